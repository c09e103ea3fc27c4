namespace FeedHub.Web.Errors;

/// <summary>
/// Refuses (400) an address whose query string decodes to a character no stored text holds: the C0 controls but tab
/// and line breaks, percent-encoded (<c>%00</c>–<c>%1F</c>). No category, search or name can match them, and PostgreSQL
/// refuses U+0000 in a statement's parameters: <c>/?category=%00</c> answered 503, as if the store were down.
/// </summary>
public static class ControlCharacterQueries
{
    public static IApplicationBuilder UseControlCharacterRefusal(this IApplicationBuilder app)
        => app.Use(async (context, next) =>
        {
            if (!HasControlCharacter(context.Request.QueryString.Value))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "Bad address",
                    Detail = "The address's query holds a control character (%00 to %1F other than tab and line breaks), which no category, search or name can hold.",
                },
            });
        });

    /// <summary>Whether a raw query string (percent-encoded, as sent) names a control character XML cannot carry.</summary>
    internal static bool HasControlCharacter(ReadOnlySpan<char> query)
    {
        var at = query.IndexOf('%');
        while (at >= 0 && at + 2 < query.Length)
        {
            var high = query[at + 1];
            var low = char.ToUpperInvariant(query[at + 2]);
            if ((high == '0' && char.IsAsciiHexDigit(low) && low is not ('9' or 'A' or 'D')) || (high == '1' && char.IsAsciiHexDigit(low)))
            {
                return true;
            }

            var next = query[(at + 1)..].IndexOf('%');
            at = next < 0 ? -1 : at + 1 + next;
        }

        return false;
    }
}
