//! The typeset pages as SVG images, one document per page with its size in pt
//! (typst-svg draws Typst's layout): the web app's preview shows exactly the pages the
//! PDF is made of.

use crate::typeset::Pages;

/// One SVG document per page of `pages`, in order.
pub fn pages(pages: &Pages) -> Vec<String> {
    let options = typst_svg::SvgOptions::default();
    pages
        .paged
        .pages()
        .iter()
        .map(|page| typst_svg::svg(page, &options))
        .collect()
}
