import Foundation

extension ConfigNode {
    /// A file named by a setting, absolute as given, otherwise relative to the configuration
    /// directory (`.` when there is none).
    public static func configFile(_ path: String, in directory: URL?) -> URL {
        path.hasPrefix("/")
            ? URL(fileURLWithPath: path) : (directory ?? URL(fileURLWithPath: ".")).appendingPathComponent(path)
    }

    /// The path of the file this setting names, when it is set and readable; a file that cannot
    /// be read is reported here (`cannot read certs/key.pem`). Nil when empty or absent.
    public func readableFile(in directory: URL?) -> String? {
        guard let text = string(), !text.isEmpty else { return nil }
        let resolved = Self.configFile(text, in: directory).path
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            error("cannot read \(text)")
            return nil
        }
        return resolved
    }

    /// Warns, as ssh does for its keys, when the private key at `path` (this setting's file) is
    /// readable by other users: whoever can read it can act as the gateway.
    public func warnIfReadableByOthers(_ path: String) {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int,
            mode & 0o077 != 0
        else { return }
        warning("the key file is readable by other users (mode \(String(mode & 0o777, radix: 8))); chmod 600 it")
    }
}
