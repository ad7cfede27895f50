import NIOCore
import Testing

@testable import ComplaintDispatch

@Suite struct HTTP1ResponseReaderTests {
    /// Reads `text` fed in pieces of `piece` bytes; returns the reader, whether it completed, and
    /// the bytes left over after the response.
    private func read(_ text: String, piece: Int = .max, close: Bool = false) throws -> (
        HTTP1ResponseReader, Bool, Int
    ) {
        var reader = HTTP1ResponseReader(snippetLimit: 8)
        let bytes = Array(text.utf8)
        var buffer = ByteBuffer()
        var complete = false
        var offset = 0
        while offset < bytes.count && !complete {
            let end = min(bytes.count, offset &+ piece)
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            complete = try reader.consume(&buffer)
        }
        if close && !complete { complete = reader.endOfStream() }
        return (reader, complete, buffer.readableBytes + bytes.count - offset)
    }

    @Test(arguments: [1, 2, 3, 7, Int.max])
    func framingsInAnySizeOfPieces(piece: Int) throws {
        let cases: [(String, Int, String, Bool)] = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, "hello", true),
            ("HTTP/1.1 500 Oops\r\ncontent-length: 12\r\n\r\nabcdefghijkl", 500, "abcdefgh", true),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nA;ext=1\r\n0123456789\r\n0\r\nX: y\r\n\r\n",
                200, "abc01234", true
            ),
            ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n", 202, "", true),
            ("HTTP/1.1 204 No Content\r\n\r\n", 204, "", true),
            ("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 200, "ok", false),
            ("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok", false),
            ("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", 200, "ok", true),
            ("HTTP/1.1 200\nContent-Length: 2\n\nok", 200, "ok", true),
            // Header names and framing tokens in any case; empty lines before the status line.
            ("HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 2\r\nconnection: CLOSE\r\n\r\nok", 200, "ok", false),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 200, "ok", true),
            ("\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", 201, "ok", true),
        ]
        for (text, status, snippet, keepAlive) in cases {
            let (reader, complete, left) = try read(text, piece: piece)
            #expect(complete, "\(text.debugDescription)")
            #expect(reader.head?.status == status)
            #expect(String(decoding: reader.snippet, as: UTF8.self) == snippet)
            #expect(reader.head?.keepAlive == keepAlive, "\(text.debugDescription)")
            #expect(left == 0)
        }
    }

    @Test func aBodyWithoutLengthEndsAtTheClose() throws {
        let (open, completeBeforeClose, _) = try read("HTTP/1.1 200 OK\r\n\r\nsome body")
        #expect(!completeBeforeClose && open.head?.keepAlive == false)
        let (reader, complete, _) = try read("HTTP/1.1 200 OK\r\n\r\nsome body", close: true)
        #expect(complete && reader.snippet == Array("some bod".utf8))
        let (cut, completeAfterCut, _) = try read("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nsome", close: true)
        #expect(!completeAfterCut && cut.head?.status == 200 && cut.receivedAny)
    }

    @Test func bytesAfterTheResponseAreLeftUnread() throws {
        let (_, complete, left) = try read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA")
        #expect(complete && left == 5)
    }

    @Test func malformedResponsesAreRejected() {
        for text in [
            "SMTP 220 ready\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n",
            "HTTP/1.1 200 OK\r\n: no name\r\n\r\n", "http/1.1 200 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
        ] {
            #expect(throws: HTTP1ResponseReader.Failure.self, "\(text.debugDescription)") { try read(text) }
        }
        let endless = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Filler: 0123456789\r\n", count: 4000)
        #expect(throws: HTTP1ResponseReader.Failure.self) { try read(endless) }
    }

    /// Only an answer that is not a delivery has its headers read (`Retry-After`, `Location`), so
    /// only such an answer keeps them; a 2xx is framed by its headers without keeping them.
    @Test func headersAreKeptForAnswersThatAreNotDeliveries() throws {
        let unavailable = "HTTP/1.1 503 Busy\r\nRetry-After:  120 \r\ncontent-length: 2\r\n\r\nno"
        let (busy, busyComplete, _) = try read(unavailable, piece: 3)
        #expect(busyComplete)
        #expect(
            busy.head?.headers == [
                HeaderField(name: "Retry-After", value: "120"), HeaderField(name: "content-length", value: "2"),
            ])
        let (moved, _, _) = try read("HTTP/1.1 308 Moved\r\nLocation: https://new.example/in\r\n\r\n", close: true)
        #expect(moved.head?.headers == [HeaderField(name: "Location", value: "https://new.example/in")])
        let (delivered, complete, left) = try read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Trace: 1\r\n\r\nok")
        #expect(complete && left == 0)
        #expect(delivered.head?.headers == [] && delivered.head?.keepAlive == true)
    }

    @Test func targetsFromURLs() throws {
        let plain = try HTTP1Target(url: "http://gw.example:8080/in/urban?dept=1&x=%20")
        #expect(plain.origin == .init(tls: false, host: "gw.example", port: 8080))
        #expect(plain.hostHeader == "gw.example:8080" && plain.requestTarget == "/in/urban?dept=1&x=%20")
        let secure = try HTTP1Target(url: "HTTPS://gw.example")
        #expect(secure.origin == .init(tls: true, host: "gw.example", port: 443))
        #expect(secure.hostHeader == "gw.example" && secure.requestTarget == "/")
        let v6 = try HTTP1Target(url: "http://[::1]:9000/x")
        #expect(v6.origin.host == "::1" && v6.hostHeader == "[::1]:9000")
        #expect(throws: HTTP1Target.Failure.self) { try HTTP1Target(url: "mailto:ops@example.com") }
        #expect(throws: HTTP1Target.Failure.self) { try HTTP1Target(url: "http:///nohost") }
    }
}
