#!/bin/sh
# Writes the opaque S/MIME test messages with OpenSSL, as a mail client signing "opaque" (the
# content inside the signature, not beside it) sends them. The key is throwaway and not kept.
# Run from this folder: sh make_smime.sh
set -e
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=citizen@example.cn" \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
printf 'Content-Type: multipart/mixed; boundary="in1"\r\n\r\n--in1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n小区里有人私搭乱建，占用消防通道。\r\n联系电话：13833334444\r\n--in1\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename="现场.jpg"\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n--in1--\r\n' > "$work/entity.txt"
headers() {
    printf 'From: citizen@example.cn\r\nTo: complaints@hotline.example.gov.cn\r\nSubject: %s\r\nMessage-ID: <%s@example.cn>\r\n' "$1" "$2"
}
# DER, definite lengths (openssl smime).
{ headers "opaque signed" "smime-der"; openssl smime -sign -nodetach -binary -in "$work/entity.txt" \
    -signer "$work/cert.pem" -inkey "$work/key.pem" -outform SMIME; } > opaque-signed.eml
# BER, indefinite lengths and the content in chunks (openssl cms -stream).
{ headers "opaque signed stream" "smime-ber"; openssl cms -sign -nodetach -binary -stream -in "$work/entity.txt" \
    -signer "$work/cert.pem" -inkey "$work/key.pem" -outform SMIME; } > opaque-signed-stream.eml
# Encrypted to the same certificate: unreadable without its key.
{ headers "encrypted" "smime-enc"; openssl smime -encrypt -binary -aes256 -in "$work/entity.txt" \
    -outform SMIME "$work/cert.pem"; } > encrypted.eml
# The opaque signed message after a relay that knows no S/MIME relabelled it (RFC 8551 3.2.1):
# application/octet-stream, only the file name smime.p7m left to tell what it is.
sed -e 's|^Content-Type: application/x-pkcs7-mime; smime-type=signed-data; name="smime.p7m"|Content-Type: application/octet-stream; name="smime.p7m"|' \
    -e 's|^Subject: opaque signed|Subject: opaque signed relabelled|' opaque-signed.eml > opaque-signed-relabelled.eml
