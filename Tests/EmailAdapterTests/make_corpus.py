#!/usr/bin/env python3
"""Writes the byte-built messages in Corpus/ (run from this directory; output is committed).

Each message reproduces a shape real mailers send; the tests say what the gateway must make of it.
"""
import base64, quopri, os

def b64(data): return base64.b64encode(data).decode()
def ew(charset, data): return f"=?{charset}?B?{b64(data)}?="
def crlf(text): return text.replace("\n", "\r\n").encode()

out = {}

# Outlook/Foxmail on Chinese Windows: GBK bytes labelled gb2312, subject split mid-character
# across two encoded words, display name encoded, RFC 2231 attachment filename.
subject = "小区噪音扰民投诉（镕）".encode("gbk")   # 镕 is GBK, not GB2312
name = "张三".encode("gbk")
body = "您好：\n晚上11点后工地仍在打桩，噪音很大，请处理。\n联系电话：138-1234-5678\n".encode("gbk")
html = "<html><body><p>您好：</p><p>晚上11点后工地仍在打桩</p></body></html>".encode("gbk")
jpeg = bytes([0xFF, 0xD8, 0xFF, 0xE0]) + bytes(range(256)) * 4
out["gbk-outlook.eml"] = crlf(f"""Received: from mail.example.cn
From: {ew('gb2312', name)} <Zhang.San@Example.CN>
To: complaints@hotline.example.gov.cn
Subject: {ew('gb2312', subject[:7])}
 {ew('gb2312', subject[7:])}
Date: Tue, 03 Nov 2026 08:15:02 +0800
Message-ID: <20261103081502.A1B2@example.cn>
X-Mailer: Microsoft Outlook 16.0
X-Auto-Response-Suppress: All
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="----=_NextPart_000_0001"

This is a multi-part message in MIME format.

------=_NextPart_000_0001
Content-Type: multipart/alternative; boundary="----=_NextPart_001_0002"

------=_NextPart_001_0002
Content-Type: text/plain; charset="gb2312"
Content-Transfer-Encoding: base64

""") + "\r\n".join(b64(body)[i:i+76] for i in range(0, len(b64(body)), 76)).encode() + crlf(f"""

------=_NextPart_001_0002
Content-Type: text/html; charset="gb2312"
Content-Transfer-Encoding: base64

{b64(html)}

------=_NextPart_001_0002--

------=_NextPart_000_0001
Content-Type: image/jpeg; name="=?utf-8?B?{b64('现场.jpg'.encode())}?="
Content-Disposition: attachment;
 filename*=utf-8''%E7%8E%B0%E5%9C%BA.jpg
Content-Transfer-Encoding: base64

{b64(jpeg)}

------=_NextPart_000_0001--
""")

# Foxmail reply in GB18030, quoted-printable, with the quoted history under a 原始邮件 separator.
reply = ("补充一下：今天早上6点又开始施工了。\n\n"
         "------------------ 原始邮件 ------------------\n"
         "发件人: \"12345热线\" <noreply@hotline.example.gov.cn>\n"
         "发送时间: 2026年11月3日(星期二) 上午9:00\n"
         "主题: 回复：小区噪音扰民投诉\n\n"
         "您的投诉已受理。\n").encode("gb18030")
out["foxmail-reply.eml"] = crlf(f"""From: "=?GB18030?B?{b64('李四'.encode('gb18030'))}?=" <lisi@qq.com>
To: <complaints@hotline.example.gov.cn>
Subject: =?GB18030?Q?=BB=D8=B8=B4=A3=BA?= =?GB18030?B?{b64('小区噪音扰民投诉'.encode('gb18030'))}?=
Message-ID: <tencent_5F3A@qq.com>
In-Reply-To: <ack-001@hotline.example.gov.cn>
References: <20261103081502.A1B2@example.cn> <ack-001@hotline.example.gov.cn>
X-Mailer: Foxmail 7.2.25
Mime-Version: 1.0
Content-Type: text/plain; charset="GB18030"
Content-Transfer-Encoding: quoted-printable

""") + quopri.encodestring(reply.replace(b"\n", b"\r\n"))

# HTML-only web mail, UTF-8.
out["html-only.eml"] = crlf("""From: Wang Wu <wangwu@example.com>
Subject: Street light broken
Message-ID: <html-1@example.com>
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<html><head><title>ignored title</title><style>p { color: red }</style></head>
<body><script>alert('x')</script><p>The street light at Wenyi&nbsp;Road &amp; Xueyuan Road<br>has been out for 3 days.</p>
<div>Thanks &mdash; &#x738B;&#20116;</div><!-- a comment --></body></html>
""")

# RFC 3834 auto-reply.
out["auto-reply.eml"] = crlf("""From: Zhang San <zhang.san@example.cn>
Subject: =?utf-8?B?6Ieq5Yqo5Zue5aSN?=
Auto-Submitted: auto-replied
Message-ID: <ooo-1@example.cn>
Content-Type: text/plain; charset=utf-8

I am out of the office.
""")

# A bounce: multipart/report from MAILER-DAEMON with a null Return-Path.
out["bounce.eml"] = crlf("""Return-Path: <>
From: MAILER-DAEMON@mail.example.cn (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mail.example.cn>
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

This is the mail system.
--B1
Content-Type: message/delivery-status

Final-Recipient: rfc822; nobody@example.cn
Action: failed
--B1--
""")

# Ordinary mail that only looks automatic: Outlook's suppress header, a noreply web form sender,
# and a subject that complains about an auto-reply.
out["not-automatic.eml"] = crlf("""From: Web Form <noreply@form.example.gov.cn>
Subject: =?utf-8?B?5oqV6K+J77ya6Ieq5Yqo5Zue5aSN5aSq5aSa?=
X-Auto-Response-Suppress: All
Message-ID: <form-77@form.example.gov.cn>
Content-Type: text/plain; charset=utf-8

姓名：赵六
手机：13912345678
内容：热线的自动回复太多了。
""")

# UTF-8 bytes under a us-ascii label, a raw 8-bit UTF-8 subject, a raw GBK display name, no Message-ID.
out["mislabelled.eml"] = crlf("From: ").replace(b"", b"") + "钱七".encode("gbk") + crlf(""" <qian@example.cn>
Subject: """) + "停水三天了".encode("utf-8") + crlf("""
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 8bit

""") + "文三路停水三天了，没有通知。".encode("utf-8") + b"\r\n"

# A forward with the original attached as message/rfc822.
out["forward-attached.eml"] = crlf("""From: Officer <officer@example.gov.cn>
Subject: Fwd: complaint
Message-ID: <fwd-1@example.gov.cn>
Content-Type: multipart/mixed; boundary="F"

--F
Content-Type: text/plain; charset=utf-8

See the attached complaint.
--F
Content-Type: message/rfc822

From: Citizen <citizen@example.com>
Subject: Noise at night
Message-ID: <orig-1@example.com>

It is loud every night.
--F--
""")

# Broken: no closing boundary, bad base64 characters, truncated mid-part.
out["broken.eml"] = crlf("""From: someone@example.com
Subject: broken
Message-ID: <broken-1@example.com>
Content-Type: multipart/mixed; boundary="X"

--X
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

5rC05Y2V!!5pyJ6Zeu6aKY
--X
Content-Type: application/pdf; name=report.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQKJ
""")

os.makedirs("Corpus", exist_ok=True)
for name, data in out.items():
    with open(os.path.join("Corpus", name), "wb") as f:
        f.write(data)
print(f"wrote {len(out)} messages")
