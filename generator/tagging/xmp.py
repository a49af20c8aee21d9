"""The XMP metadata packet of a leaflet: the document information, the PDF/UA-1 identification and the content
chain (generator.content.chain) in the project's own namespace.

Everything in it comes from the leaflet and its made-on date, in a fixed order, so the same inputs still give the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from xml.sax.saxutils import escape

from generator.content.chain import NAMESPACE, PREFIX, ChainFile, ContentChain

_PACKET = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <pdf:Producer>{producer}</pdf:Producer>
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>{chain}
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: object) -> str:
    """`value` as XML character data: escaped, characters XML cannot hold dropped."""
    return escape(_NOT_XML.sub("", str(value)))


def _file_rdf(file: ChainFile, shown: str) -> str:
    """One file of the chain: an rdf:li resource with its path, language, hash, origin, status and approvals."""
    p = PREFIX
    fields = (("path", file.path), ("language", file.language), ("sha256", file.sha256))
    fields += (("origin", file.origin), ("status", file.status))
    lines = [f"       <{p}:{name}>{xml_text(value)}</{p}:{name}>" for name, value in fields]
    if shown != "none":
        approvals = []
        for entry in file.approvals:
            name = f"<{p}:name>{xml_text(entry.name)}</{p}:name>" if entry.name else ""
            role, date = (
                f"<{p}:role>{xml_text(entry.role)}</{p}:role>",
                f"<{p}:date>{entry.date.isoformat()}</{p}:date>",
            )
            approvals.append(f'         <rdf:li rdf:parseType="Resource">{name}{role}{date}</rdf:li>')
        inner = "\n".join(["", *approvals, "        "]) if approvals else ""
        lines.append(f"       <{p}:approvals><rdf:Seq>{inner}</rdf:Seq></{p}:approvals>")
    return '      <rdf:li rdf:parseType="Resource">\n' + "\n".join(lines) + "\n      </rdf:li>"


def chain_rdf(chain: ContentChain | None) -> str:
    """The content chain as an rdf:Description of its own (empty without a chain)."""
    if chain is None:
        return ""
    p = PREFIX
    files = "\n".join(_file_rdf(file, chain.shown) for file in chain.files)
    return (
        f'\n  <rdf:Description rdf:about="" xmlns:{p}="{NAMESPACE}">\n'
        f"   <{p}:madeOn>{chain.made_on.isoformat()}</{p}:madeOn>\n"
        f"   <{p}:approvalsInPdf>{chain.shown}</{p}:approvalsInPdf>\n"
        f"   <{p}:status>{xml_text(chain.summary)}</{p}:status>\n"
        f"   <{p}:files>\n    <rdf:Seq>\n{files}\n    </rdf:Seq>\n   </{p}:files>\n"
        "  </rdf:Description>"
    )


def xmp_packet(info: dict[str, str], language: str, made_on: dt.date, chain: ContentChain | None = None) -> str:
    """The XMP packet: `info` the document information (title, subject, author, keywords, producer, creator)."""
    return _PACKET.format(
        **{key: xml_text(info[key]) for key in ("title", "subject", "author", "keywords", "producer", "creator")},
        language=xml_text(language),
        date=f"{made_on.isoformat()}T00:00:00Z",
        chain=chain_rdf(chain),
    )
