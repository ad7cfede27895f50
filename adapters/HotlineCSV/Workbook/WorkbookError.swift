/// Why an uploaded workbook cannot be read, in words for the person who uploaded it.
public enum WorkbookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is zipped but is not a workbook (a Word document, an archive of files).
    case notWorkbook(String)
    /// A workbook whose parts are damaged or cut short.
    case damaged(String)
    /// A workbook this reader does not read (a binary .xlsb, an unknown compression).
    case unsupported(String)
    /// The file could not be read at all.
    case unreadable(String)

    /// A workbook saved with a password somebody chose (or encrypted in a way not read here).
    static let savedWithPassword = WorkbookError.unsupported("it is saved with a password: remove the password first")

    /// The import error code the refusal is reported under.
    public var code: String {
        switch self {
        case .notWorkbook: "not_csv"
        case .damaged, .unsupported, .unreadable: "unreadable_workbook"
        }
    }

    public var description: String {
        switch self {
        case .notWorkbook(let what):
            "the file is \(what), not CSV or a workbook: open it in Excel or WPS, save it as "
                + "\"Excel 工作簿 (.xlsx)\" or \"CSV UTF-8\", and upload that file"
        case .damaged(let why):
            "the workbook cannot be read: \(why). Open it in Excel, WPS or LibreOffice; if it opens, save it again "
                + "(.xlsx or \"CSV UTF-8\") and upload that file"
        case .unsupported(let why):
            "the workbook cannot be read: \(why). Open it in Excel or WPS, save it as \"Excel 工作簿 (.xlsx)\" "
                + "or \"CSV UTF-8\", and upload that file"
        case .unreadable(let why): "the uploaded file cannot be read: \(why)"
        }
    }
}
