//! PDF documents (text extraction comes in the next step).

use std::io::Read;

use super::Ctx;

pub fn read(ctx: &mut Ctx, member: Option<&str>, _reader: &mut dyn Read) {
    ctx.skip(
        member,
        "unsupported",
        "PDF text extraction is not built in yet",
    );
}

pub fn extract_pdf_text(_data: &[u8]) -> Result<String, String> {
    Err("not built in".into())
}

pub fn pdf_child_main() -> i32 {
    2
}
