using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using OxyPlot.SkiaSharp;
using RnnOnnx.Serialization;
using SkiaSharp;

namespace RnnOnnx.Cli.Forecasting;

/// <summary>
/// PNG of each series' history, forecast and interval bands (OxyPlot on SkiaSharp 2.88): one panel per series, up to
/// <see cref="MaxPanels"/>, dates on the x-axis when the table has a time column, else step numbers.
/// </summary>
internal static class ForecastPlot
{
    /// <summary>Most panels in one image: beyond a dozen each panel is too small to read.</summary>
    public const int MaxPanels = 12;

    private const int PanelWidth = 1000, PanelHeight = 420;

    /// <summary>Writes the plot atomically; returns how many series were left out (more than <see cref="MaxPanels"/>).</summary>
    public static int Write(string path, IReadOnlyList<SeriesForecast> series, string valueName, IReadOnlyList<double> levels)
    {
        var shown = series.Take(MaxPanels).ToList();
        int columns = shown.Count <= 3 ? 1 : shown.Count <= 8 ? 2 : 3;
        int rows = (shown.Count + columns - 1) / columns;
        // Panels shrink as they multiply, so that a dozen stays a readable image rather than a huge one.
        int width = columns == 1 ? PanelWidth : 760, height = shown.Count == 1 ? 500 : rows <= 2 ? PanelHeight : 340;
        using var bitmap = new SKBitmap(width * columns, height * rows);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var context = new SkiaRenderContext { RenderTarget = RenderTarget.PixelGraphic, SkCanvas = canvas };
            for (int i = 0; i < shown.Count; i++)
            {
                var model = Panel(shown[i], shown[i].Id.Length == 0 ? valueName : $"{shown[i].Id} ({valueName})", levels);
                IPlotModel plot = model;
                plot.Update(true);
                plot.Render(context, new OxyRect(i % columns * width, i / columns * height, width, height));
            }
        }
        AtomicFile.Write(path, stream =>
        {
            using var image = SKImage.FromBitmap(bitmap);
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            png.SaveTo(stream);
        });
        return series.Count - shown.Count;
    }

    private static PlotModel Panel(SeriesForecast s, string title, IReadOnlyList<double> levels)
    {
        var model = new PlotModel { Title = title, Background = OxyColors.White, TitleFontSize = 14 };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.TopLeft, LegendBackground = OxyColor.FromAColor(200, OxyColors.White) });
        var future = s.FutureTimes;
        bool dated = s.Times is not null && future is not null;
        model.Axes.Add(dated
            ? new DateTimeAxis { Position = AxisPosition.Bottom, StringFormat = s.Frequency!.Months > 0 || s.Frequency.Step >= TimeSpan.FromDays(1) ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", MajorGridlineStyle = LineStyle.Dot }
            : new LinearAxis { Position = AxisPosition.Bottom, Title = "step", MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, MajorGridlineStyle = LineStyle.Dot });

        int n = s.History.Count;
        double X(int t) => dated ? DateTimeAxis.ToDouble(t < n ? s.Times![t] : future![t - n]) : t;
        var f = s.Forecast;
        // Widest band first, so the narrower ones are drawn over it and stay visible.
        var widestFirst = f.Intervals.OrderByDescending(i => i.Level).ToList();
        for (int j = 0; j < widestFirst.Count; j++)
        {
            var (lower, upper) = (widestFirst[j].Lower, widestFirst[j].Upper);
            var shade = OxyColor.FromAColor((byte)Math.Min(160, 60 + 40 * j), OxyColors.SteelBlue);
            var band = new AreaSeries { Title = $"{ForecastCsv.Percent(widestFirst[j].Level)}% interval", Color = shade, Fill = shade, StrokeThickness = 0 };
            for (int h = 0; h < f.Forecast.Length; h++)
            {
                band.Points.Add(new DataPoint(X(n + h), upper[h]));
                band.Points2.Add(new DataPoint(X(n + h), lower[h]));
            }
            model.Series.Add(band);
        }
        var past = new LineSeries { Title = "history", Color = OxyColors.Black, StrokeThickness = 1.5 };
        for (int t = 0; t < n; t++)
            if (!double.IsNaN(s.History[t])) past.Points.Add(new DataPoint(X(t), s.History[t]));
        var line = new LineSeries { Title = "forecast", Color = OxyColors.SteelBlue, StrokeThickness = 2 };
        if (past.Points.Count > 0) line.Points.Add(past.Points[^1]);
        for (int h = 0; h < f.Forecast.Length; h++) line.Points.Add(new DataPoint(X(n + h), f.Forecast[h]));
        model.Series.Add(past);
        model.Series.Add(line);
        return model;
    }
}
