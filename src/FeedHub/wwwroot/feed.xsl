<?xml version="1.0" encoding="utf-8"?>
<!--
  FeedHub's Atom and RSS feeds opened in a browser: a readable page that says what a feed is, gives its address to
  copy into a feed reader, and lists its entries. Feed readers ignore this stylesheet. The page keeps to the site's
  Content-Security-Policy: the site's style sheet, no inline style or script, no images. It declares no charset: the
  html output method writes its own META (on the server, see FeedPages, and in browsers alike), and two would clash.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom"
                xmlns:dc="http://purl.org/dc/elements/1.1/" exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="utf-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:variable name="title" select="normalize-space(/atom:feed/atom:title | /rss/channel/title)"/>
  <xsl:variable name="self" select="/atom:feed/atom:link[@rel='self']/@href | /rss/channel/atom:link[@rel='self']/@href"/>
  <xsl:variable name="home" select="/atom:feed/atom:link[@rel='alternate']/@href | /rss/channel/link"/>
  <xsl:variable name="next" select="/atom:feed/atom:link[@rel='next']/@href | /rss/channel/atom:link[@rel='next']/@href"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <meta name="robots" content="noindex"/>
        <link rel="icon" href="data:,"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <link rel="stylesheet" href="/assets/site.css"/>
      </head>
      <body class="feed-preview">
        <header class="site">
          <a class="brand" href="/">FeedHub</a>
          <nav aria-label="Site">
            <a href="/">Latest</a>
            <a href="/digest">Digest</a>
            <a href="/blogroll">Blogroll</a>
            <a href="/subscribe">Subscribe</a>
          </nav>
        </header>
        <main id="main">
          <section class="about-feed" aria-labelledby="about-feed">
            <h2 id="about-feed">This is a feed</h2>
            <p>A feed reader follows it for you and shows its new posts as they come. To follow it, copy its address into
              your feed reader (it knows what to do with it):</p>
            <p><input class="address" type="text" readonly="readonly" aria-label="Address of this feed" value="{$self}"/></p>
            <p class="meta"><a href="/subscribe">Every feed of this site, and what each is for</a><xsl:if test="$home"><a href="{$home}">Read this as a page</a></xsl:if></p>
          </section>
          <h1 dir="auto"><xsl:value-of select="$title"/></h1>
          <xsl:if test="normalize-space(/atom:feed/atom:subtitle | /rss/channel/description)">
            <p class="meta"><xsl:value-of select="/atom:feed/atom:subtitle | /rss/channel/description"/></p>
          </xsl:if>
          <ol class="river">
            <xsl:apply-templates select="/atom:feed/atom:entry | /rss/channel/item"/>
          </ol>
          <xsl:if test="not(/atom:feed/atom:entry | /rss/channel/item)">
            <p class="empty">Nothing in this feed yet.</p>
          </xsl:if>
          <xsl:if test="$next">
            <nav class="paging" aria-label="Pages"><span></span><a rel="next" href="{$next}">Older entries</a></nav>
          </xsl:if>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li class="entry">
      <article>
        <h2 dir="auto"><a href="{(atom:link[@rel='alternate'] | atom:link[not(@rel)])[1]/@href}"><xsl:value-of select="atom:title"/></a></h2>
        <p class="meta facts">
          <xsl:if test="atom:source/atom:title"><span class="source"><bdi><xsl:value-of select="atom:source/atom:title"/></bdi></span></xsl:if>
          <xsl:if test="atom:author/atom:name"><span class="author"><bdi><xsl:value-of select="atom:author/atom:name"/></bdi></span></xsl:if>
          <xsl:call-template name="date"><xsl:with-param name="value" select="(atom:published | atom:updated)[1]"/></xsl:call-template>
        </p>
      </article>
    </li>
  </xsl:template>

  <xsl:template match="item">
    <li class="entry">
      <article>
        <h2 dir="auto"><a href="{link}"><xsl:value-of select="title"/></a></h2>
        <p class="meta facts">
          <xsl:if test="source"><span class="source"><bdi><xsl:value-of select="source"/></bdi></span></xsl:if>
          <xsl:if test="dc:creator"><span class="author"><bdi><xsl:value-of select="dc:creator"/></bdi></span></xsl:if>
          <xsl:if test="pubDate"><time><xsl:value-of select="pubDate"/></time></xsl:if>
        </p>
      </article>
    </li>
  </xsl:template>

  <!-- An Atom date (2026-11-05T08:30:00Z) as "2026-11-05 08:30 UTC". -->
  <xsl:template name="date">
    <xsl:param name="value"/>
    <xsl:if test="$value">
      <time datetime="{$value}">
        <xsl:value-of select="concat(substring($value, 1, 10), ' ', substring($value, 12, 5))"/>
        <xsl:if test="substring($value, 20, 1) = 'Z'"> UTC</xsl:if>
      </time>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
