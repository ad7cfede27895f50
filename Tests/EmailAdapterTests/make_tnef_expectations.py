#!/usr/bin/env python3
"""Writes Corpus/tnef/expected.json: what the `tnefparse` package (PyPI) reads from each TNEF
stream in Corpus/tnef/ (the compressed RTF
body decompressed by the `compressed_rtf` package), as the independent reading TNEFTests.swift compares ours with.

  pip install tnefparse==1.4.0 compressed_rtf && python3 Tests/EmailAdapterTests/make_tnef_expectations.py
"""
import hashlib
import json
import pathlib

from tnefparse.tnef import TNEF

corpus = pathlib.Path(__file__).resolve().parent / "Corpus" / "tnef"
expected = {}
for path in sorted(corpus.glob("*.tnef")):
    tnef = TNEF(path.read_bytes())
    files = []
    for attachment in tnef.attachments:
        if getattr(attachment, "embed", None) is not None:
            continue  # an attached message: its own files are listed by its stream
        data = bytes(attachment.data or b"")
        files.append({"name": attachment.long_filename(), "size": len(data),
                      "sha256": hashlib.sha256(data).hexdigest()})
    body = tnef.body
    if isinstance(body, bytes):
        body = body.decode(tnef.codepage)
    if body is not None:
        body = body.rstrip("\0")
    rtf = tnef.rtfbody
    expected[path.name] = {"files": files, "body": body, "has_html": bool(getattr(tnef, "htmlbody", None)),
                           "codepage": tnef.codepage,
                           "rtf_sha256": hashlib.sha256(rtf).hexdigest() if rtf else None}
(corpus / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
