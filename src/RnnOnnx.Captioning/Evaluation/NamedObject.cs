namespace RnnOnnx.Captioning;

/// <summary>The words a caption uses for one object, as written (they need not be vocabulary words).</summary>
internal readonly record struct NamedObject(string Size, string Color, string Shape);
