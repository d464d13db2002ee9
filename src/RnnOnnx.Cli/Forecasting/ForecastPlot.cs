using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using OxyPlot.SkiaSharp;
using RnnOnnx.Forecasting;
using RnnOnnx.Serialization;

namespace RnnOnnx.Cli.Forecasting;

/// <summary>PNG of the history, the forecast and its interval band (OxyPlot on SkiaSharp 2.88).</summary>
internal static class ForecastPlot
{
    public static void Write(string path, IReadOnlyList<double> history, RnnForecast forecast, string title, double confidence)
    {
        var model = new PlotModel { Title = title, Background = OxyColors.White };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.TopLeft, LegendBackground = OxyColor.FromAColor(200, OxyColors.White) });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "t", MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "value", MajorGridlineStyle = LineStyle.Dot });

        int n = history.Count;
        var band = new AreaSeries
        {
            Title = $"{confidence:P0} interval", Color = OxyColor.FromAColor(70, OxyColors.SteelBlue),
            Fill = OxyColor.FromAColor(70, OxyColors.SteelBlue), StrokeThickness = 0,
        };
        var line = new LineSeries { Title = "forecast", Color = OxyColors.SteelBlue, StrokeThickness = 2 };
        var past = new LineSeries { Title = "history", Color = OxyColors.Black, StrokeThickness = 1.5 };
        for (int t = 0; t < n; t++)
            if (!double.IsNaN(history[t])) past.Points.Add(new DataPoint(t, history[t]));
        line.Points.Add(new DataPoint(n - 1, history[n - 1]));
        for (int h = 0; h < forecast.Forecast.Length; h++)
        {
            line.Points.Add(new DataPoint(n + h, forecast.Forecast[h]));
            band.Points.Add(new DataPoint(n + h, forecast.Upper[h]));
            band.Points2.Add(new DataPoint(n + h, forecast.Lower[h]));
        }
        model.Series.Add(band);
        model.Series.Add(past);
        model.Series.Add(line);

        var exporter = new PngExporter { Width = 1000, Height = 500 };
        AtomicFile.Write(path, stream => exporter.Export(model, stream));
    }
}
