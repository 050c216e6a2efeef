#!/usr/bin/env python3
"""Writes examples/partnership-evaluation/transcripts/HS11.docx as Microsoft Teams writes a
meeting transcript: title, date, duration and "started transcription" paragraphs; for each
entry a paragraph with the speaker's name and the time (two runs, `Name   0:03`) and a
paragraph with the words; a closing "stopped transcription" paragraph. Fixed zip timestamps,
so the same script always writes the same bytes.

    python3 examples/tools/teams_docx.py
"""

import pathlib
import zipfile
from xml.sax.saxutils import escape

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "partnership-evaluation" / "transcripts" / "HS11.docx"

INTERVIEWER = "Ruth Okafor"
STAFF = "Leanne Ward"

ENTRIES = [
    (INTERVIEWER, "0:04", "Thanks for making the time, Leanne. Could you start by telling me about your role?"),
    (STAFF, "0:11", "Yeah, of course. So I'm the family and carers worker, I'm based at Millbrook but I cover both hubs. I've been here just over a year. Before that I was in a children's centre for six years, so families are very much my background."),
    (INTERVIEWER, "0:32", "What does a typical week look like?"),
    (STAFF, "0:36", "There isn't one, honestly. Monday I run the carers' drop-in with the Carers Centre, that's in the community room at Millbrook. The rest of the week it's one-to-ones, home visits, and a lot of phoning round."),
    (STAFF, "0:58", "A lot of what I do is catching the people nobody has referred. The wife who comes in with her husband and sits in reception for an hour. She's the one I want to talk to."),
    (INTERVIEWER, "1:15", "How do the partners fit into that?"),
    (STAFF, "1:19", "The Carers Centre is the big one for me. Because their worker is in the building on a Monday, I can walk someone down the corridor and introduce them, and they've got a carer's assessment booked before they leave. That never happened when I was in the children's centre, you'd give someone a leaflet and hope."),
    (STAFF, "1:44", "Where it falls down is the partners who aren't here. I made a referral to the council's early help team in January and I still don't know if anyone picked it up. I've emailed twice."),
    (INTERVIEWER, "2:03", "Why do you think that happens?"),
    (STAFF, "2:07", "Some of it is just pressure, they're stretched like we are. But some of it is that we don't have a name there. If I had a name I'd ring them. An inbox doesn't ring you back."),
    (INTERVIEWER, "2:24", "What about the carers themselves, what do they say about the hub?"),
    (STAFF, "2:29", "They say it's the first place that's asked about them. One dad said to me, you're the first person in three years who's asked how I am and not how she is. That stays with you."),
    (STAFF, "2:47", "And the drop-in matters because they meet each other. Carers are lonely, really lonely, and they find out in that room that they're not the only one."),
    (INTERVIEWER, "3:05", "Is there anything that gets in the way for them?"),
    (STAFF, "3:09", "Times, mostly. The drop-in is ten till twelve on a Monday, and if you're working or you've got school pick-ups, you can't come. We've asked about an evening session but there's no one to staff it."),
    (INTERVIEWER, "3:26", "If you could change one thing about the partnership, what would it be?"),
    (STAFF, "3:31", "A named person in every partner organisation, and them having a name for us. That's it really. It's not money, it's knowing who to ring."),
    (INTERVIEWER, "3:44", "Thank you, Leanne, that's really helpful."),
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def paragraph(*runs):
    inner = "".join(
        f'<w:r><w:rPr><w:rFonts w:ascii="Segoe UI" w:hAnsi="Segoe UI"/></w:rPr><w:t xml:space="preserve">{escape(t)}</w:t></w:r>'
        for t in runs
    )
    return f'<w:p><w:pPr><w:spacing w:after="0"/></w:pPr>{inner}</w:p>'


def document_xml():
    body = [
        paragraph("Harbour evaluation interview-20250325_140212-Meeting Transcript"),
        paragraph("25 March 2025, 02:02pm"),
        paragraph("4m 2s"),
        paragraph(f"{INTERVIEWER} started transcription"),
    ]
    for name, time, words in ENTRIES:
        body.append(paragraph(name, f"   {time}"))
        body.append(paragraph(words))
    body.append(paragraph(f"{INTERVIEWER} stopped transcription"))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<w:document xmlns:w="{W}"><w:body>{"".join(body)}'
        '<w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr></w:body></w:document>'
    )


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)

RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def main():
    with zipfile.ZipFile(OUT, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", RELS),
            ("word/document.xml", document_xml()),
        ]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode("utf-8"))


if __name__ == "__main__":
    main()
