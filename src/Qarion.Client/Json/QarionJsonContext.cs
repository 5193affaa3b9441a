using System.Text.Json;
using System.Text.Json.Serialization;

namespace Qarion.Client.Json;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Connector))]
[JsonSerializable(typeof(ConnectorCreate))]
[JsonSerializable(typeof(ConnectorUpdate))]
[JsonSerializable(typeof(SyncJob))]
[JsonSerializable(typeof(List<SyncJob>))]
[JsonSerializable(typeof(List<ConnectorTypeInfo>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class QarionJsonContext : JsonSerializerContext
{
}
