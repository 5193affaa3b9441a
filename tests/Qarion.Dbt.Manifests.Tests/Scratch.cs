// Every test of this assembly removes the scratch folders it made (see CleanScratchAttribute).
[assembly: Qarion.Testing.CleanScratch]
