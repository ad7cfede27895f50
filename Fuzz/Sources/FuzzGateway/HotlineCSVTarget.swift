import ComplaintCore
import Foundation
import HotlineCSVAdapter

/// A call-log file through encoding detection, the streaming reader (fed in small chunks, so
/// records and multi-byte characters straddle chunk edges) and a sample column profile's mapping.
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
            profile.encoding ?? CSVEncoding.detect(prefix: Array(bytes.prefix(4)), validUTF8: validator.isValid)
        guard let reader = try? CSVFileReader(encoding: encoding, maxRecordBytes: 4096) else { return }
        var mapper: HotlineRowMapper?
        var headerFailed = false
        let take = { (record: CSVRecord) in
            guard !headerFailed else { return }
            guard var current = mapper else {
                guard case .fields(let names) = record.kind,
                    let header = try? HotlineHeader(names, profile: profile)
                else {
                    headerFailed = true
                    return
                }
                mapper = HotlineRowMapper(profile: profile, header: header)
                return
            }
            if case .accepted(let row) = current.map(record) { Invariants.encodes(row.draft) }
            mapper = current
        }
        let chunk = bytes.count % 13 + 1
        bytes.withUnsafeBytes { buffer in
            var start = 0
            while start < buffer.count {
                let end = min(start + chunk, buffer.count)
                reader.feed(UnsafeRawBufferPointer(rebasing: buffer[start..<end]), take)
                start = end
            }
        }
        reader.finish(take)
    }
}
