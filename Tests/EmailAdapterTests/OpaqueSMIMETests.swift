import ComplaintCore
import EmailAdapter
import Testing

/// Opaque S/MIME: the signed MIME entity travels inside the CMS signature
/// (`application/pkcs7-mime; smime-type=signed-data`). The files were made by OpenSSL
/// (`Corpus/smime/make_smime.sh`).
@Suite("Opaque S/MIME signed mail")
struct OpaqueSMIMETests {
    @Test(
        "the signed entity is the message: its text, its phone and its attachment",
        arguments: [
            "smime/opaque-signed.eml", "smime/opaque-signed-stream.eml",
            // Relabelled application/octet-stream by a relay: its name smime.p7m tells.
            "smime/opaque-signed-relabelled.eml",
        ])
    func signedContentRead(file: String) throws {
        let record = try Corpus.draft(file).complaint
        #expect(record.text == "小区里有人私搭乱建，占用消防通道。\n联系电话：13833334444")
        #expect(record.source.extra["text_from"] == nil)
        #expect(record.complainant.phone == "+8613833334444")
        #expect(record.attachments.map(\.filename) == ["现场.jpg"])
        #expect(record.source.extra["defects"] == nil)
    }

    @Test("encrypted mail cannot be read: the subject is the text and a defect says why")
    func encrypted() throws {
        let record = try Corpus.draft("smime/encrypted.eml").complaint
        #expect(record.text == "encrypted")
        #expect(record.attachments.map(\.filename) == ["smime.p7m"])
        guard case .array(let defects)? = record.source.extra["defects"] else {
            Issue.record("no defects")
            return
        }
        #expect(defects.contains(.string("S/MIME encrypted (enveloped-data): the content cannot be read")))
    }

    @Test("a signature that is not CMS stays an attachment, nothing thrown")
    func garbage() throws {
        let body = "MIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n"
        let record = try Corpus.complaint(
            body: body,
            contentType:
                "application/pkcs7-mime; smime-type=signed-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64",
            subject: "truncated")
        #expect(record.text == "truncated")
        #expect(record.attachments.count == 1)
    }

    @Test("an octet-stream named smime.p7m that is no signature stays an attachment")
    func relabelledGarbage() throws {
        let record = try Corpus.complaint(
            body: "MIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n",
            contentType: "application/octet-stream; name=smime.p7m\r\nContent-Transfer-Encoding: base64",
            subject: "truncated")
        #expect(record.text == "truncated")
        #expect(record.attachments.map(\.filename) == ["smime.p7m"])
    }

    @Test("PGP/MIME encrypted mail says so in a defect")
    func pgpEncrypted() throws {
        let body = """
            --pgp\r
            Content-Type: application/pgp-encrypted\r
            \r
            Version: 1\r
            --pgp\r
            Content-Type: application/octet-stream; name="encrypted.asc"\r
            \r
            -----BEGIN PGP MESSAGE-----\r
            hQEMA8sdHbP1F3YhAQf/\r
            -----END PGP MESSAGE-----\r
            --pgp--\r

            """
        let record = try Corpus.complaint(
            body: body, contentType: "multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"pgp\"",
            subject: "加密")
        #expect(record.text == "加密")
        // The control part (`Version: 1`) is no file of the sender's.
        #expect(record.attachments.map(\.filename) == ["encrypted.asc"])
        guard case .array(let defects)? = record.source.extra["defects"] else {
            Issue.record("no defects")
            return
        }
        #expect(defects.contains(.string("encrypted (multipart/encrypted, PGP/MIME): the content cannot be read")))
    }
}
