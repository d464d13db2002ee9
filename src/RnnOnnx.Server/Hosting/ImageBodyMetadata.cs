namespace RnnOnnx.Server.Hosting;

/// <summary>Marks an endpoint whose body is an image: it gets <see cref="ServerOptions.MaxImageBytes"/> instead of <see cref="ServerOptions.MaxRequestBytes"/>.</summary>
internal sealed class ImageBodyMetadata;
