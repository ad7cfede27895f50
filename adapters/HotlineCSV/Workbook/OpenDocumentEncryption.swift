/// Whether an OpenDocument file's manifest says its parts are encrypted (saved with a password).
struct OpenDocumentEncryption: XMLScannerHandler {
    private(set) var found = false

    mutating func start(_ tag: XMLTag) throws(WorkbookError) {
        if tag.is("encryption-data") { found = true }
    }

    mutating func end(_ name: UnsafeBufferPointer<UInt8>) throws(WorkbookError) {}

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, cdata: Bool) throws(WorkbookError) {}
}
