/// Files uuencoded into the text of a plain-text message (`uuencode photo.jpg photo.jpg | mail`,
/// and older mailers): a `begin MODE NAME` line, lines of uuencoded data, an `end` line.
///
/// Taken out of the text as attachments, as mail readers show them; left in place unless the
/// block is whole (its `end` line present, every line between a well-formed data line), so a
/// complaint that merely contains the word `begin` is never cut.
enum InlineUUBlocks {
    struct File {
        var name: String
        var bytes: [UInt8]
    }

    /// The text without its whole uuencoded blocks, and the files they held, in order.
    static func extract(from text: String) -> (text: String, files: [File]) {
        guard text.contains("begin ") else { return (text, []) }
        // By `isNewline`: a CRLF is one Character, which splitting on "\n" would not cut.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var kept: [Substring] = []
        var files: [File] = []
        var index = 0
        while index < lines.count {
            if let name = beginName(lines[index]), let end = endOfBlock(lines, from: index + 1) {
                let block = lines[index...end].joined(separator: "\n")
                files.append(File(name: name, bytes: TransferDecoding.uudecode(ArraySlice(block.utf8)).bytes))
                index = end + 1
                continue
            }
            kept.append(lines[index])
            index += 1
        }
        guard !files.isEmpty else { return (text, []) }
        return (kept.joined(separator: "\n"), files)
    }

    /// The file name of a `begin 644 name` line that names one.
    private static func beginName(_ line: Substring) -> String? {
        guard let name = TransferDecoding.uuBeginName(ArraySlice(line.utf8)), !name.isEmpty else { return nil }
        return String(decoding: name, as: UTF8.self)
    }

    /// The index of the `end` line closing a block whose data starts at `start`, if every line
    /// before it is a data line.
    private static func endOfBlock(_ lines: [Substring], from start: Int) -> Int? {
        var index = start
        var sawData = false
        while index < lines.count {
            if TransferDecoding.isUUEndLine(ArraySlice(lines[index].utf8)) { return sawData ? index : nil }
            guard isDataLine(lines[index]) else { return nil }
            sawData = sawData || lines[index].contains { !$0.isWhitespace }
            index += 1
        }
        return nil
    }

    /// A line of uuencoded data: a length character, then at most the characters that length
    /// needs (a relay may have stripped trailing spaces, so fewer are allowed).
    private static func isDataLine(_ line: Substring) -> Bool {
        let bytes = line.utf8.last == 0x0D ? Substring(line.utf8.dropLast()).utf8 : line.utf8
        // Empty: a zero-length line (` `) whose space a relay stripped.
        guard let first = bytes.first else { return true }
        guard (0x20...0x60).contains(first),
            bytes.allSatisfy({ (0x20...0x60).contains($0) })
        else { return false }
        let count = Int((first &- 32) & 63)
        return bytes.count - 1 <= (count + 2) / 3 * 4 + 1
    }
}
