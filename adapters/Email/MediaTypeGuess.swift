/// A file's media type from its name's extension, for files that came without a useful one:
/// uuencoded into the text, inside a TNEF part, or sent as `application/octet-stream` (what many
/// mailers and phone apps label every attachment). Departments' systems show or index a file by
/// its type, as mail readers do from the same extensions. Files sent by API are typed the same way.
public enum MediaTypeGuess {
    public static let unknown = "application/octet-stream"

    /// `declared` unless it says nothing (absent or `application/octet-stream`), then the type
    /// `filename`'s extension names, else `application/octet-stream`.
    public static func mediaType(declared: String?, filename: String?) -> String {
        if let declared, declared != unknown { return declared }
        guard let filename, let dot = filename.lastIndex(of: "."), dot != filename.startIndex else { return unknown }
        return byExtension[filename[filename.index(after: dot)...].lowercased()] ?? unknown
    }

    private static let byExtension: [String: String] = [
        "jpg": "image/jpeg", "jpeg": "image/jpeg", "jpe": "image/jpeg", "png": "image/png", "gif": "image/gif",
        "bmp": "image/bmp", "webp": "image/webp", "heic": "image/heic", "heif": "image/heif", "tif": "image/tiff",
        "tiff": "image/tiff", "pdf": "application/pdf", "txt": "text/plain", "csv": "text/csv",
        "htm": "text/html", "html": "text/html", "rtf": "application/rtf", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "odp": "application/vnd.oasis.opendocument.presentation",
        // Kingsoft WPS Office's own formats (its Writer, Spreadsheets, Presentation), the office
        // suite of most Chinese government desks, by the names WPS registers for them; OFD, China's
        // fixed-layout document standard (GB/T 33190), used for e-invoices and official papers.
        "wps": "application/wps-office.wps", "et": "application/wps-office.et", "dps": "application/wps-office.dps",
        "ofd": "application/ofd", "zip": "application/zip", "rar": "application/vnd.rar",
        "7z": "application/x-7z-compressed", "mp3": "audio/mpeg", "m4a": "audio/mp4", "amr": "audio/amr",
        "wav": "audio/wav", "mp4": "video/mp4", "mov": "video/quicktime", "3gp": "video/3gpp",
        "avi": "video/x-msvideo", "eml": "message/rfc822",
    ]
}
