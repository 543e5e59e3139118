using System.Globalization;

namespace StreamRec.Datasets;

/// <summary>Splits GroupLens' "Title (yyyy)" into the title and the year.</summary>
internal static class GroupLensTitle
{
    /// <summary>
    /// Only a final parenthesised four-digit year counts: "City of Lost Children, The (Cité des enfants
    /// perdus, La) (1995)" keeps its first parentheses in the title, and titles GroupLens wrote without
    /// a year (or with a range such as "(2007-)") are kept whole with no year.
    /// </summary>
    public static (string Title, int? Year) Split(string groupLensTitle)
    {
        ReadOnlySpan<char> text = groupLensTitle.AsSpan().TrimEnd();
        const int suffixLength = 6; // "(yyyy)"
        if (text.Length >= suffixLength && text[^1] == ')' && text[^suffixLength] == '(')
        {
            ReadOnlySpan<char> digits = text[^(suffixLength - 1)..^1];
            if (!digits.ContainsAnyExceptInRange('0', '9'))
            {
                int year = int.Parse(digits, CultureInfo.InvariantCulture);
                return (new string(text[..^suffixLength].TrimEnd()), year);
            }
        }

        return (text.Length == groupLensTitle.Length ? groupLensTitle : new string(text), null);
    }
}
