using System.Reflection;
using Xunit.Sdk;

namespace Qarion.Testing;

/// <summary>
/// Every test removes the scratch folders it made (<see cref="TestData.TempDirectory"/>) as soon as it
/// ends, pass or fail, so a run leaves nothing behind even where the test host is ended without its
/// exit handlers. Folders made outside a test (a fixture's feed) go when the run ends. Each test
/// assembly applies it to itself (Scratch.cs): an assembly attribute here would apply to this library only.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class CleanScratchAttribute : BeforeAfterTestAttribute
{
    public override void Before(MethodInfo methodUnderTest) => TestData.BeginTest();

    public override void After(MethodInfo methodUnderTest) => TestData.EndTest();
}
