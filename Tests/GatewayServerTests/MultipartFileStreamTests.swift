import Foundation
import Testing

@testable import GatewayServer

@Suite("Multipart file stream")
struct MultipartFileStreamTests {
    static let body = Array(
        ("preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"profile\"\r\n\r\n12345\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.csv\"\r\n\r\n"
            + "a,b\r\n1,\"--XyZ is not a delimiter without CRLF\"\r\n--X\r\n"
            + "\r\n--XyZ--\r\nepilogue").utf8)

    @Test("the file part comes out whole whatever the chunk size", arguments: [1, 2, 5, 13, 4096])
    func chunks(size: Int) throws {
        var stream = MultipartFileStream(boundary: "XyZ")
        var file: [UInt8] = []
        var offset = 0
        while offset < Self.body.count {
            let end = min(Self.body.count, offset + size)
            try Self.body[offset..<end].withUnsafeBytes { try stream.feed($0) { file += $0 } }
            offset = end
        }
        try stream.finish()
        // The CRLF before the delimiter belongs to the delimiter; the one before it is the file's.
        #expect(
            String(decoding: file, as: UTF8.self) == "a,b\r\n1,\"--XyZ is not a delimiter without CRLF\"\r\n--X\r\n")
    }

    @Test("a body cut before its closing boundary is an error")
    func truncated() throws {
        var stream = MultipartFileStream(boundary: "XyZ")
        try Self.body.prefix(150).withUnsafeBytes { try stream.feed($0) { _ in } }
        #expect(throws: MultipartError.self) { try stream.finish() }
    }

    @Test("the boundary parameter, quoted or not")
    func boundary() {
        #expect(MultipartFileStream.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartFileStream.boundary(contentType: "multipart/form-data; charset=x; boundary=\"a b\"") == "a b")
        #expect(MultipartFileStream.boundary(contentType: "multipart/form-data") == nil)
    }

    @Test("the file part is the one whose Content-Disposition names a file")
    func filePart() {
        func isFile(_ headers: String) -> Bool { MultipartFileStream.isFilePart(headers: Array(headers.utf8)[...]) }
        #expect(isFile("Content-Disposition: form-data; name=\"upload\"; filename=\"a.csv\"\r\nContent-Type: text/csv"))
        #expect(isFile("content-disposition: form-data; name=\"upload\"; filename*=UTF-8''%E9%80%9A%E8%AF%9D.csv"))
        #expect(isFile("Content-Disposition: form-data; name=file"))
        // A browser's unfilled file input.
        #expect(!isFile("Content-Disposition: form-data; name=\"attachment\"; filename=\"\""))
        #expect(!isFile("Content-Disposition: form-data; name=\"comment\"; x=\"filename=abc\""))
        #expect(!isFile("Content-Type: text/plain\r\nX-Note: filename=\"a.csv\""))
    }

    @Test("the boundary parameter, whatever its case and spacing")
    func boundaryForms() {
        #expect(MultipartFileStream.boundary(contentType: "multipart/form-data;BOUNDARY = \"--x;y\"") == "--x;y")
        #expect(MultipartFileStream.boundary(contentType: "multipart/form-data; boundary=\"\"") == nil)
    }
}
