using FeedHub.Core.Search;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Ar;
using Lucene.Net.Analysis.Da;
using Lucene.Net.Analysis.De;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.El;
using Lucene.Net.Analysis.Es;
using Lucene.Net.Analysis.Fi;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Hu;
using Lucene.Net.Analysis.It;
using Lucene.Net.Analysis.Nl;
using Lucene.Net.Analysis.No;
using Lucene.Net.Analysis.Pt;
using Lucene.Net.Analysis.Ro;
using Lucene.Net.Analysis.Ru;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Sv;
using Lucene.Net.Analysis.Tr;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace FeedHub.Storage.LiteDb.Search;

/// <summary>
/// One text field per language (<c>text_english</c>, <c>text_french</c>, …), each analysed with that language's
/// stop words and stemmer; an article's text goes into the field of its language, so a query is stemmed once per
/// language and each form only meets articles of its own language. <see cref="SearchLanguages.Simple"/> keeps every
/// word, lower-cased (CJK ideographs one by one, which phrase queries put back together).
/// </summary>
internal sealed class SearchAnalyzers : AnalyzerWrapper
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private const string FieldPrefix = "text_";

    /// <summary>Keeps a phrase from matching across the end of the title and the start of the text.</summary>
    private const int GapBetweenValues = 100;

    private readonly Dictionary<string, Analyzer> _byField;
    private readonly Analyzer _simple;

    public SearchAnalyzers()
        : base(PER_FIELD_REUSE_STRATEGY)
    {
        _simple = new StandardAnalyzer(Version, CharArraySet.Empty);
        _byField = SearchLanguages.All.ToDictionary(FieldFor, Create, StringComparer.Ordinal);
    }

    public static string FieldFor(string language) => FieldPrefix + language;

    public static bool IsTextField(string field) => field.StartsWith(FieldPrefix, StringComparison.Ordinal);

    public Analyzer For(string field) => _byField.GetValueOrDefault(field, _simple);

    public override int GetPositionIncrementGap(string fieldName) => GapBetweenValues;

    protected override Analyzer GetWrappedAnalyzer(string fieldName) => For(fieldName);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var analyzer in _byField.Values.Append(_simple).Distinct())
            {
                analyzer.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private Analyzer Create(string language) => language switch
    {
        "english" => new EnglishAnalyzer(Version),
        "french" => new FrenchAnalyzer(Version),
        "german" => new GermanAnalyzer(Version),
        "spanish" => new SpanishAnalyzer(Version),
        "italian" => new ItalianAnalyzer(Version),
        "portuguese" => new PortugueseAnalyzer(Version),
        "dutch" => new DutchAnalyzer(Version),
        "swedish" => new SwedishAnalyzer(Version),
        "danish" => new DanishAnalyzer(Version),
        "norwegian" => new NorwegianAnalyzer(Version),
        "finnish" => new FinnishAnalyzer(Version),
        "russian" => new RussianAnalyzer(Version),
        "hungarian" => new HungarianAnalyzer(Version),
        "romanian" => new RomanianAnalyzer(Version),
        "turkish" => new TurkishAnalyzer(Version),
        "arabic" => new ArabicAnalyzer(Version),
        "greek" => new GreekAnalyzer(Version),
        _ => _simple,
    };
}
