import Foundation

/// Foundation's file errors in words. Printed as they are, they read as a dump of their domain,
/// code and user info (`Error Domain=NSCocoaErrorDomain Code=513 "You don’t have permission."
/// UserInfo={…}`), which tells an operator neither which file nor what to do.
public enum FileErrorText {
    /// `PATH: reason`, the path being `path` when given, else the one the error names; the
    /// reason alone when neither names one. Any other error as it describes itself.
    public static func describe(_ error: any Error, at path: String? = nil) -> String {
        let file = error as NSError
        let reason: String
        switch file.domain {
        case NSCocoaErrorDomain: reason = Self.reason(cocoa: file)
        case NSPOSIXErrorDomain: reason = Self.reason(errno: Int32(file.code))
        default: reason = "\(error)"
        }
        return (path ?? Self.path(of: file)).map { "\($0): \(reason)" } ?? reason
    }

    private static func path(of error: NSError) -> String? {
        if let path = error.userInfo[NSFilePathErrorKey] as? String { return path }
        if let url = error.userInfo[NSURLErrorKey] as? URL { return url.path }
        return nil
    }

    private static func reason(cocoa error: NSError) -> String {
        switch CocoaError.Code(rawValue: error.code) {
        case .fileReadNoPermission, .fileWriteNoPermission:
            return "permission denied (running as uid \(geteuid()))"
        case .fileWriteOutOfSpace: return "no space left on the device"
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
        case .fileWriteVolumeReadOnly: return "the file system is read-only"
        case .fileWriteFileExists:
            // Mostly a directory wanted where a file is (a data directory given as a file's path).
            var isDirectory: ObjCBool = false
            let isFile =
                path(of: error).map { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) } == true
                && !isDirectory.boolValue
            return isFile ? "a file is already there, not a directory" : "it already exists"
        default:
            // Foundation maps most errno values to a handful of codes; the underlying POSIX error
            // says more than the generic "The file couldn't be saved."
            // On Linux the underlying error is a Swift error, not an NSError: bridge it.
            if let underlying = error.userInfo[NSUnderlyingErrorKey] as? any Error {
                let posix = underlying as NSError
                if posix.domain == NSPOSIXErrorDomain { return reason(errno: Int32(posix.code)) }
            }
            return error.localizedDescription
        }
    }

    private static func reason(errno code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "permission denied (running as uid \(geteuid()))"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
