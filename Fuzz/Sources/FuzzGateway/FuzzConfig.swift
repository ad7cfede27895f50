import ComplaintCore
import Foundation

/// The sample configuration (`FUZZ_CONFIG_DIR`, default `config` under the working directory) and a
/// scratch copy of it whose files the config and rule-table targets overwrite with each input.
enum FuzzConfig {
    static let source = URL(
        fileURLWithPath: ProcessInfo.processInfo.environment["FUZZ_CONFIG_DIR"] ?? "config", isDirectory: true)

    /// A private copy of the sample configuration, in /dev/shm when there is one (inputs are written per run).
    static let scratch: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let directory = URL(fileURLWithPath: base, isDirectory: true)
            .appendingPathComponent("cg-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: directory)
        do {
            try FileManager.default.copyItem(at: source, to: directory)
        } catch {
            fatalError("cannot copy the sample configuration \(source.path): \(error)")
        }
        atexit { try? FileManager.default.removeItem(at: FuzzConfig.scratch) }
        return directory
    }()

    /// The sample files' bytes, to put back what an earlier input replaced.
    static func original(_ name: String) -> Data {
        (try? Data(contentsOf: source.appendingPathComponent(name))) ?? Data()
    }

    /// Writes `bytes` as `name` in the scratch configuration.
    static func write(_ bytes: some DataProtocol, as name: String) {
        do {
            try Data(bytes).write(to: scratch.appendingPathComponent(name))
        } catch {
            fatalError("cannot write \(name) in \(scratch.path): \(error)")
        }
    }

    /// The department ids of the sample configuration.
    static let departments: Set<String> = {
        let root = ConfigNode.parse(
            data: original("departments.yaml"), displayName: "departments.yaml", diagnostics: ConfigDiagnostics(),
            environment: [:])
        return Set(root["departments"].items().compactMap { $0["id"].string() })
    }()
}
