import ComplaintCore
import EmailAdapter
import Foundation
import Testing

/// `format=flowed` bodies (Apple Mail, Thunderbird, phone mail apps) arrive as the paragraphs
/// the citizen wrote, not cut at the sender's line width.
@Suite("format=flowed plain text")
struct FlowedTextTests {
    private func text(_ body: String, contentType: String) throws -> String {
        try Corpus.complaint(body: body, contentType: contentType).text
    }

    @Test func softBreaksAreJoinedAndTheSpaceKept() throws {
        let body = "The site next to my building works after \r\nmidnight, every night.\r\n\r\nZhao Liu\r\n"
        #expect(
            try text(body, contentType: "text/plain; charset=utf-8; format=flowed")
                == "The site next to my building works after midnight, every night.\n\nZhao Liu")
    }

    @Test func withDelspTheMarkingSpaceGoesToo() throws {
        let body = "楼下烧烤店每天营业到凌晨三点， \r\n噪音很大。\r\n"
        #expect(
            try text(body, contentType: "text/plain; charset=\"utf-8\"; format=\"flowed\"; DelSp=\"yes\"")
                == "楼下烧烤店每天营业到凌晨三点，噪音很大。")
    }

    @Test func stuffedSpacesSignatureSeparatorAndFixedText() throws {
        // A stuffed leading space is removed; "-- " stays a line of its own; without
        // format=flowed a trailing space is no soft break.
        let flowed = " From the start it was loud \r\nand late.\r\n-- \r\nZhao\r\n"
        #expect(
            try text(flowed, contentType: "text/plain; charset=utf-8; format=flowed")
                == "From the start it was loud and late.\n-- \nZhao")
        let fixed = "It was loud \r\nand late.\r\n"
        #expect(try text(fixed, contentType: "text/plain; charset=utf-8") == "It was loud \nand late.")
    }
}
