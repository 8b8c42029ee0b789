"""Scanned documents for the import tests and benchmark: text drawn onto page images with Pillow
and saved as an image-only PDF (no text layer), the way a scanner or a photocopier makes them."""

import io

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"  # Debian's fonts-dejavu-core, a WeasyPrint dependency


def scanned_pdf(pages: list[list[str]], dpi: int = 200) -> bytes:
    """One A4 image per page, each line of text drawn at about 12 point."""
    font = ImageFont.truetype(FONT, round(12 * dpi / 72))
    images = []
    for lines in pages:
        image = Image.new("L", (round(8.27 * dpi), round(11.69 * dpi)), 255)
        draw = ImageDraw.Draw(image)
        y = dpi
        for line in lines:
            draw.text((dpi * 3 // 4, y), line, font=font, fill=0)
            y += round(dpi * 0.3)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def review_scan(page_count: int = 2) -> bytes:
    """A scanned review whose last page holds three numbered recommendations."""
    narrative = ["The review considered the involvement of agencies with the family",
                 "between 2019 and 2021, and the learning for practice that follows."]
    pages = [[f"Child S: local child safeguarding practice review, page {n + 1}", "", *narrative * 4]
             for n in range(page_count - 1)]
    pages.append(["Recommendations", "",
                  "1. The Police should review how strategy meetings are recorded.",
                  "2. Children's Services should audit neglect assessments.",
                  "3. The ICB should train GPs to ask about home conditions."])
    return scanned_pdf(pages)
