using System.Globalization;
using System.Text;

namespace StreamRec.Datasets;

/// <summary>Reading GroupLens' two CSV files.</summary>
public sealed partial class MovieLensDataset
{
    private const string NoGenres = "(no genres listed)";
    private static readonly string[] MoviesHeader = ["movieId", "title", "genres"];
    private static readonly string[] RatingsHeader = ["userId", "movieId", "rating", "timestamp"];

    private static Movie[] ReadMovies(string path)
    {
        using var csv = Open(path, MoviesHeader);
        var movies = new List<Movie>();
        var ids = new HashSet<int>();
        while (csv.ReadRecord())
        {
            RequireFieldCount(csv, path, MoviesHeader.Length);
            int id = ParseInt32(csv, path, 0);
            if (!ids.Add(id))
                throw Invalid(path, csv.LineNumber, $"movieId {id} appears twice");
            (string title, int? year) = GroupLensTitle.Split(csv.GetString(1));
            ReadOnlySpan<char> genres = csv[2];
            string[] labels = genres.SequenceEqual(NoGenres) ? [] : genres.ToString().Split('|');
            movies.Add(new Movie(id, title, year, labels));
        }

        return [.. movies];
    }

    private static Rating[] ReadRatings(string path)
    {
        // About 23 bytes a line in GroupLens' file: size the list once instead of regrowing it.
        var ratings = new List<Rating>((int)Math.Min(new FileInfo(path).Length / 20, 1 << 26));
        using var csv = Open(path, RatingsHeader);
        while (csv.ReadRecord())
        {
            RequireFieldCount(csv, path, RatingsHeader.Length);
            ratings.Add(new Rating(
                UserId: ParseInt32(csv, path, 0),
                MovieId: ParseInt32(csv, path, 1),
                Stars: float.TryParse(csv[2], NumberStyles.Float, CultureInfo.InvariantCulture, out float stars)
                    ? stars
                    : throw InvalidField(csv, path, 2),
                Timestamp: long.TryParse(csv[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out long time)
                    ? time
                    : throw InvalidField(csv, path, 3)));
        }

        return [.. ratings];
    }

    private static CsvReader Open(string path, string[] header)
    {
        var csv = new CsvReader(new StreamReader(path, Encoding.UTF8, false, 64 * 1024), path);
        bool ok = csv.ReadRecord() && csv.FieldCount == header.Length;
        for (int i = 0; ok && i < header.Length; i++)
            ok = csv[i].SequenceEqual(header[i]);
        if (!ok)
        {
            csv.Dispose();
            throw Invalid(path, 1, $"expected the header '{string.Join(',', header)}'");
        }

        return csv;
    }

    private static int ParseInt32(CsvReader csv, string path, int field) =>
        int.TryParse(csv[field], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw InvalidField(csv, path, field);

    private static void RequireFieldCount(CsvReader csv, string path, int expected)
    {
        if (csv.FieldCount != expected)
            throw Invalid(path, csv.LineNumber, $"expected {expected} fields, found {csv.FieldCount}");
    }

    private static InvalidDataException InvalidField(CsvReader csv, string path, int field) =>
        Invalid(path, csv.LineNumber, $"field {field + 1} '{csv.GetString(field)}' is not a number");

    private static InvalidDataException Invalid(string path, long line, string what) =>
        new($"{path}:{line}: {what}.");
}
