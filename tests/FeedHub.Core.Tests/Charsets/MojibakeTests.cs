using FeedHub.Core.Charsets;

namespace FeedHub.Core.Tests.Charsets;

public sealed class MojibakeTests
{
    /// <summary>
    /// Broken text as real feeds carry it (titles and descriptions copied from the feeds of codehollow/FeedReader's test
    /// data, as in the team's shared corpus: Spiegel, Le Monde, Le Figaro, The Verge, Japan Times, Roma News), with what
    /// the source meant.
    /// </summary>
    [Theory]
    [InlineData("Deutschlands fÃ¼hrende Nachrichtenseite", "Deutschlands führende Nachrichtenseite")]
    [InlineData("Polizeieinsatz in KÃ¶lner Silvesternacht", "Polizeieinsatz in Kölner Silvesternacht")]
    [InlineData("Fragen, die noch geklÃ¤rt werden mÃ¼ssen.", "Fragen, die noch geklärt werden müssen.")]
    [InlineData("FÃ¼nf Tote im Flughafen: TÃ¤ter von Fort Lauderdale", "Fünf Tote im Flughafen: Täter von Fort Lauderdale")]
    [InlineData("Le Monde.fr - ActualitÃ©s et Infos en France", "Le Monde.fr - Actualités et Infos en France")]
    [InlineData("CinÃ©ma, thÃ©Ã¢tre, arts, expositions, musique et tÃ©lÃ©vision", "Cinéma, théâtre, arts, expositions, musique et télévision")]
    [InlineData("les Ã©vÃ¨nements culturels Ã\u00A0 venir", "les évènements culturels à venir")]
    [InlineData("DirecTV Now isnâ€™t new; details â€” network agreements", "DirecTV Now isn’t new; details — network agreements")]
    [InlineData("the wartime â€œcomfort womenâ€\u009D near the Japanese", "the wartime “comfort women” near the Japanese")]
    [InlineData("A disp.:Â\u00A0Romagnoli, Greco, DekiÄ‡, Zappa", "A disp.:\u00A0Romagnoli, Greco, Dekić, Zappa")]
    public void Text_its_source_encoded_twice_is_repaired(string broken, string meant)
        => Assert.Equal(meant, Mojibake.Repair(broken));

    [Theory]
    [InlineData("FÃƒÂ¼r die meisten", "Für die meisten")]
    [InlineData("Itâ€™s", "It’s")]
    [InlineData("ItÃ¢â‚¬â„¢s", "It’s")]
    public void Text_encoded_twice_over_is_repaired_all_the_way(string broken, string meant)
        => Assert.Equal(meant, Mojibake.Repair(broken));

    [Theory]
    [InlineData("Ð\u009Fривет, Ð¼Ð¸Ñ€", "Привет, мир")]
    [InlineData("×©×œ×•×\u009D ×¢×•×œ×\u009D", "שלום עולם")]
    [InlineData("Î•Î»Î»Î·Î½Î¹ÎºÎ¬", "Ελληνικά")]
    [InlineData("æ—¥æœ¬èªž", "日本語")]
    public void Other_scripts_read_as_windows_1252_are_repaired(string broken, string meant)
        => Assert.Equal(meant, Mojibake.Repair(broken));

    /// <summary>Correct text must come out untouched, including text that spells some of the suspicious characters.</summary>
    [Theory]
    [InlineData("Les évènements culturels à venir : théâtre, cinéma, « Noël » à Paris")]
    [InlineData("Über die Straße“ und „Fuß“ — Größe, Maß, Äpfel, Öl")]
    [InlineData("Türkçe: Işık, şehir, göğüs, çiçek, İstanbul")]
    [InlineData("Tiếng Việt: Người Việt Nam, Hà Nội, Đà Nẵng, Ấn Độ")]
    [InlineData("Ελληνικά: Η Αθήνα είναι η πρωτεύουσα")]
    [InlineData("עברית: שלום עולם")]
    [InlineData("日本語のテキスト、東京")]
    [InlineData("SÃO PAULO — Ação, coração, São João")]
    [InlineData("Þór og Ásgeir fóru á Ísafjörð; Ðe “quoted” ßeta")]
    [InlineData("Preis: 5 € — « Ça va ? » — ½ × ¾ ± ©")]
    [InlineData("")]
    [InlineData("plain ASCII text")]
    public void Correct_text_is_left_as_it_is(string text)
    {
        var repaired = Mojibake.Repair(text);

        Assert.Equal(text, repaired);
        Assert.Same(text, repaired);
    }
}
