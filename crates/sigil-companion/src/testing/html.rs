//! Reading the companion's pages the way a test or the benchmark needs: one attribute of one
//! tag.

/// The value of `attribute` in the tag that contains `marker`, HTML-unescaped.
pub fn attribute_after(html: &str, marker: &str, attribute: &str) -> Option<String> {
    let at = html.find(marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let key = format!(r#"{attribute}=""#);
    let value_start = tag.find(&key)? + key.len();
    let value_end = value_start + tag[value_start..].find('"')?;
    Some(
        tag[value_start..value_end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// The value of the form field `name` of a page.
pub fn field(html: &str, name: &str) -> Option<String> {
    attribute_after(html, &format!(r#"name="{name}""#), "value")
}
