using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.Language.Text;
using Grad.Runtime.Data;

namespace Grad.Runtime.Tests;

public class DataTests
{
    private static GeneratedBoundData Generator(GeneratorKind kind, int n = 200, double noise = 0.1, int classes = 2, double spread = 1, double slope = 1, double intercept = 0, long seed = 3) =>
        new("g", kind, n, seed, noise, classes, spread, slope, intercept, new GeneratedDataSyntax(null, null, new TextSpan(0, 0), new TextSpan(0, 0)));

    [Theory]
    [InlineData(GeneratorKind.Xor, 2, 1, 2)]
    [InlineData(GeneratorKind.Circles, 2, 1, 2)]
    [InlineData(GeneratorKind.Moons, 2, 1, 2)]
    [InlineData(GeneratorKind.Spirals, 2, 1, 2)]
    [InlineData(GeneratorKind.Spirals, 2, 3, 3)]
    [InlineData(GeneratorKind.Gaussians, 2, 4, 4)]
    [InlineData(GeneratorKind.Linear, 1, 1, 1)]
    public void GeneratorsHaveTheDocumentedShapes(GeneratorKind kind, int featureWidth, int targetWidth, int classes)
    {
        var data = Generators.Generate(Generator(kind, classes: classes));
        Assert.Equal(200, data.Count);
        Assert.Equal(featureWidth, data.FeatureWidth);
        Assert.Equal(targetWidth, data.TargetWidth);
        Assert.All(data.Features, x => Assert.True(double.IsFinite(x)));
        if (kind != GeneratorKind.Linear)
        {
            // Labels: one 0/1 column for two classes, else one-hot rows; classes balanced.
            var labels = Enumerable.Range(0, data.Count).Select(i => targetWidth == 1 ? (int)data.Targets[i] : Array.IndexOf(data.Targets, 1.0, i * targetWidth, targetWidth) - i * targetWidth).ToList();
            Assert.All(labels, label => Assert.InRange(label, 0, classes - 1));
            Assert.Equal(classes, labels.Distinct().Count());
        }
    }

    [Theory]
    [InlineData(2, 1, 1, 1, 1, "has 2 rows of x but 1 rows of y")]
    [InlineData(1, 0, 1, 1, 1, "has an empty row")]
    [InlineData(2, 1, 2, 2, 1, "row 2 is not as wide as the first")]
    public void InlineRowsThatCannotFormADataSetAreALoadErrorNotAnException(int xRows, int xWidth, int xWidthOfRow2, int yRows, int yWidth, string expected)
    {
        // The binder reports ragged inline data, but after error recovery a front end may still load
        // it (the fuzzer found DataSet's constructor throwing here): the loader must say why instead.
        double[][] x = [.. Enumerable.Range(0, xRows).Select(i => new double[i == 1 ? xWidthOfRow2 : xWidth])];
        double[][] y = [.. Enumerable.Range(0, yRows).Select(_ => new double[yWidth])];
        var syntax = new InlineDataSyntax(new Identifier("d", new TextSpan(5, 1)), [], new TextSpan(0, 4), new TextSpan(0, 10));

        var result = DataLoader.Load(new InlineBoundData("d", x, y, syntax));

        Assert.Null(result.Data);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void GeneratorsAreDeterministicPerSeed()
    {
        var a = Generators.Generate(Generator(GeneratorKind.Spirals, seed: 3));
        var b = Generators.Generate(Generator(GeneratorKind.Spirals, seed: 3));
        var c = Generators.Generate(Generator(GeneratorKind.Spirals, seed: 4));
        Assert.Equal(a.Features, b.Features);
        Assert.NotEqual(a.Features, c.Features);
    }

    [Fact]
    public void LinearFollowsItsLineWithoutNoise()
    {
        var data = Generators.Generate(Generator(GeneratorKind.Linear, noise: 0, slope: 2, intercept: -1));
        for (var i = 0; i < data.Count; i++)
        {
            Assert.Equal(2 * data.Features[i] - 1, data.Targets[i], 14);
        }
    }

    [Fact]
    public void CirclesPutClassZeroOnTheOuterCircle()
    {
        var data = Generators.Generate(Generator(GeneratorKind.Circles, noise: 0));
        for (var i = 0; i < data.Count; i++)
        {
            var radius = Math.Sqrt(data.Features[2 * i] * data.Features[2 * i] + data.Features[2 * i + 1] * data.Features[2 * i + 1]);
            Assert.Equal(data.Targets[i] == 0 ? 1 : 0.5, radius, 12);
        }
    }

    [Fact]
    public void CsvWithNumericTarget()
    {
        var result = CsvLoader.Parse("d", "x1, x2 ,y\n1,2,3\n\n4,5e-1,6\n", "d.csv", "y");
        var data = result.Data!;
        Assert.Equal(2, data.Count);
        Assert.Equal([1, 2, 4, 0.5], data.Features);
        Assert.Equal([3.0, 6], data.Targets);
    }

    [Fact]
    public void CsvTargetColumnMayBeAnywhereAndQuoted()
    {
        var data = CsvLoader.Parse("d", "\"kind\",a\n\"b, c\",1\nz,2\n", "d.csv", "kind").Data!;
        Assert.Equal([1.0, 2], data.Features);
        Assert.Equal(["b, c", "z"], data.ClassNames);
        Assert.Equal([1.0, 0, 0, 1], data.Targets);
    }

    [Theory]
    [InlineData("", "d.csv is empty")]
    [InlineData("a,y\n", "d.csv has a header but no data rows")]
    [InlineData("a,b\n1,2\n", "d.csv has no column 'y' (its columns are 'a', 'b')")]
    [InlineData("a,y\n1,2\nfoo,3\n", "d.csv:3: column 'a' has the non-numeric value 'foo'")]
    [InlineData("a,y\n1,2\n1,2,3\n", "d.csv:3: expected 2 fields as in the header, found 3")]
    [InlineData("y\n1\n", "d.csv has no feature columns besides the target 'y'")]
    public void CsvProblemsHaveClearMessages(string text, string expected)
    {
        var result = CsvLoader.Parse("d", text, "d.csv", "y");
        Assert.Null(result.Data);
        Assert.StartsWith(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingCsvFileIsAnError()
    {
        var missing = new Grad.Language.Resources.DataFile(Path.Combine(Path.GetTempPath(), "no-such-grad-file.csv"), "no-such-grad-file.csv");
        var result = Grad.Runtime.Files.DiskFileResolver.Anywhere.ReadText(missing, 1000);
        Assert.Equal("cannot find the data file 'no-such-grad-file.csv'", result.Error);
    }
}
