import ComplaintCore
import EmailAdapter
import Foundation

// Parsing speed of the email adapter over a corpus repeated to --mb megabytes (10^6 bytes), the
// same work as ../shared/samples/baseline_email.py does per message: parse, pick the body
// (plain, else HTML), decode its text. A second pass times the whole record mapping
// (EmailComplaintBuilder: body, attachments with SHA-256, quoted-reply trimming, auto-reply check).
// Prints one JSON line per mode.
//
//   bench-email --dir DIR_WITH_msg_*.txt [--mb 100]

var directory: String?
var megabytes = 100.0
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--dir": directory = arguments.next()
    case "--mb": megabytes = Double(arguments.next() ?? "") ?? megabytes
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}
guard let directory else {
    FileHandle.standardError.write(Data("usage: bench-email --dir DIR [--mb MB]\n".utf8))
    exit(2)
}
let names = try FileManager.default.contentsOfDirectory(atPath: directory)
    .filter { $0.hasPrefix("msg_") && $0.hasSuffix(".txt") }.sorted()
let messages = try names.map { Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0))) }
let oneSize = messages.reduce(0) { $0 + $1.count }
guard oneSize > 0 else {
    FileHandle.standardError.write(Data("no msg_*.txt in \(directory)\n".utf8))
    exit(2)
}
let repetitions = max(1, Int((megabytes * 1e6 / Double(oneSize)).rounded(.up)))
let total = oneSize * repetitions
let count = messages.count * repetitions

func report(_ mode: String, seconds: Double, characters: Int, noBody: Int) {
    let line =
        "{\"mode\":\"\(mode)\",\"files\":\(messages.count),\"messages\":\(count),\"bytes\":\(total),"
        + "\"seconds\":\(seconds),\"mb_per_s\":\(Double(total) / 1e6 / seconds),"
        + "\"messages_per_s\":\(Double(count) / seconds),\"chars\":\(characters),\"no_body\":\(noBody)}"
    print(line)
}

// Parse + body text, as the Python baseline.
var characters = 0
var noBody = 0
let parser = MIMEParser()
var started = ContinuousClock.now
for _ in 0..<repetitions {
    for message in messages {
        let part = parser.parse(message)
        if let body = EmailBody.select(part) {
            characters += body.text.text.unicodeScalars.count
        } else {
            noBody += 1
        }
    }
}
var elapsed = ContinuousClock.now - started
report(
    "parse+body", seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
    characters: characters, noBody: noBody)

// The full record mapping.
characters = 0
noBody = 0
let builder = EmailComplaintBuilder()
let receivedAt = Date()
started = ContinuousClock.now
for _ in 0..<repetitions {
    for message in messages {
        switch builder.build(message, adapter: "bench", receivedAt: receivedAt) {
        case .complaint(let draft): characters += draft.complaint.text.unicodeScalars.count
        case .automatic: noBody += 1
        }
    }
}
elapsed = ContinuousClock.now - started
report(
    "record", seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
    characters: characters, noBody: noBody)
