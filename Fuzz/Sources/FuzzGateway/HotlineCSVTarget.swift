import ComplaintCore
import Foundation
import HotlineCSVAdapter

/// A call-log file through encoding detection, the streaming reader and a sample column profile's
/// mapping. The reader is fed twice, whole and in chunks of 1 to 13 bytes (so records and
/// multi-byte characters straddle chunk edges): the records must not depend on where chunks end.
enum HotlineCSVTarget {
    /// The sample profiles (config/hotline), in name order; the input's length picks one.
    static let profiles: [HotlineProfile] = {
        let loaded = HotlineProfileLoader.loadAll(
            directory: FuzzConfig.source.appendingPathComponent("hotline"), diagnostics: ConfigDiagnostics(),
            environment: [:])
        guard !loaded.isEmpty else { fatalError("no hotline profiles in \(FuzzConfig.source.path)/hotline") }
        return loaded.keys.sorted().map { loaded[$0]! }
    }()

    static func run(_ bytes: [UInt8]) {
        let profile = profiles[bytes.count % profiles.count]
        var validator = UTF8Validator()
        bytes.withUnsafeBytes { validator.update($0) }
        validator.finish()
        let encoding =
            profile.encoding ?? CSVEncoding.detect(prefix: Array(bytes.prefix(4)), utf8: validator)
        guard let chunked = records(bytes, encoding: encoding, chunk: bytes.count % 13 + 1),
            let whole = records(bytes, encoding: encoding, chunk: max(bytes.count, 1))
        else { return }
        if chunked != whole {
            fatalError("CSV records depend on chunk boundaries: \(chunked.count) records vs \(whole.count) whole")
        }
        guard case .fields(let names)? = whole.first?.kind,
            let header = try? HotlineHeader(names, profile: profile)
        else { return }
        var mapper = HotlineRowMapper(profile: profile, header: header)
        for record in whole.dropFirst() {
            if case .accepted(let row) = mapper.map(record) { Invariants.encodes(row.draft) }
        }
    }

    private static func records(_ bytes: [UInt8], encoding: CSVEncoding, chunk: Int) -> [CSVRecord]? {
        guard let reader = try? CSVFileReader(encoding: encoding, maxRecordBytes: 4096) else { return nil }
        var records: [CSVRecord] = []
        bytes.withUnsafeBytes { buffer in
            var start = 0
            while start < buffer.count {
                let end = min(start + chunk, buffer.count)
                reader.feed(UnsafeRawBufferPointer(rebasing: buffer[start..<end])) { records.append($0) }
                start = end
            }
        }
        reader.finish { records.append($0) }
        return records
    }
}
