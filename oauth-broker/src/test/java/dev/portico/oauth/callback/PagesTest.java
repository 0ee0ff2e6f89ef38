package dev.portico.oauth.callback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PagesTest {

    @Test
    void whenTextHasMarkupThenEscaped() {
        String html = Pages.render("<b>Title</b>", "error=<script>alert('x')</script> & \"more\"");

        assertThat(html)
                .contains("&lt;b&gt;Title&lt;/b&gt;")
                .contains("error=&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;")
                .doesNotContain("<script")
                .doesNotContain("<b>");
    }

    @Test
    void whenEscapingNullThenEmpty() {
        assertThat(Pages.escape(null)).isEmpty();
    }

    @Test
    void whenRenderedThenNoScriptAndNoExternalResource() {
        String html = Pages.render("Signed in", "Signed in to files. You can return to your client.");

        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("href=");
        assertThat(html).contains("<h1>Signed in</h1>").contains("Signed in to files. You can return to your client.");
    }

    @Test
    void whenSentThenStrictHeaders() {
        assertThat(Pages.securityHeaders())
                .containsEntry("Cache-Control", "no-store")
                .containsEntry("Referrer-Policy", "no-referrer")
                .containsEntry("X-Frame-Options", "DENY")
                .containsEntry("X-Content-Type-Options", "nosniff");
        assertThat(Pages.securityHeaders().get("Content-Security-Policy"))
                .startsWith("default-src 'none'; style-src 'unsafe-inline'")
                .doesNotContain("script-src");
    }
}
