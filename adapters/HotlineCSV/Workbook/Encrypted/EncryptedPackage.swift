import Glibc

/// An Excel workbook (.xlsx) saved encrypted: an Office compound file holding `EncryptionInfo`
/// and `EncryptedPackage` ([MS-OFFCRYPTO] 2.3.4.4), the latter the workbook's ZIP archive
/// encrypted in segments of 4,096 bytes.
enum EncryptedPackage {
    /// Whether `container` holds an encrypted workbook rather than a 97–2003 document.
    static func isEncrypted(_ container: CompoundFile) -> Bool {
        container.topLevel.contains { $0.name.lowercased() == "encryptedpackage" }
    }

    /// Decrypts the workbook into an unlinked temporary file in `directory`, with Excel's
    /// built-in password; its descriptor (the caller closes it) and size.
    static func decrypt(_ container: CompoundFile, into directory: String) throws(WorkbookError) -> (
        file: Int32, size: Int
    ) {
        guard let info = try container.stream("EncryptionInfo"), info.size <= 1 << 20,
            let package = try container.stream("EncryptedPackage")
        else { throw .damaged("it is encrypted but its encryption descriptor is missing") }
        let descriptor = try info.read(container.file, at: 0, count: info.size)
        guard descriptor.count >= 4 else { throw .damaged("its encryption descriptor is cut short") }
        let password = BIFFDecryption.builtInPassword
        let found: (any PackageCipher)? =
            switch (descriptor.uint16(at: 0), descriptor.uint16(at: 2)) {
            case (4, 4): try AgileEncryption(info: descriptor, password: password)
            case (2...4, 2): try StandardEncryption(info: descriptor, password: password)
            default: throw .savedWithPassword
            }
        guard let encryption = found else { throw .savedWithPassword }
        let header = try package.read(container.file, at: 0, count: 8)
        guard header.count == 8 else { throw .damaged("its encrypted contents are cut short") }
        let size = header.uint64(at: 0)
        // The size is the archive's; the stream holds it padded to whole 16-byte blocks.
        guard size >= 0, size <= package.size - 8 else { throw .damaged("its encrypted contents are cut short") }
        let file = try unlinkedTemporaryFile(in: directory, name: "workbook-decrypted")
        do throws(WorkbookError) {
            var pending: [UInt8] = []
            var written = 0
            var number = 0
            while written < size {
                let read = try package.read(container.file, at: 8 + number * segmentSize, count: segmentSize)
                // A stream longer than its blocks (padding after them) is cut to whole blocks.
                let whole = Array(read.prefix(read.count / 16 * 16))
                guard !whole.isEmpty else { throw WorkbookError.damaged("its encrypted contents are cut short") }
                let plain = try encryption.decryptSegment(whole, number: number)
                pending += plain.prefix(size - written)
                written += min(plain.count, size - written)
                number += 1
                if pending.count >= 1 << 20 || written == size {
                    guard pending.withUnsafeBytes({ writeFully(file, $0) }) else {
                        throw WorkbookError.unreadable(
                            "cannot write the decrypted workbook to a temporary file (disk full?)")
                    }
                    pending.removeAll(keepingCapacity: true)
                }
            }
        } catch {
            close(file)
            throw error
        }
        return (file, size)
    }

    static let segmentSize = 4096
}

/// How an encrypted package's segments are decrypted, once the password opened its key.
protocol PackageCipher {
    /// Decrypts the package's segment `number` (4,096 bytes, the last one shorter).
    func decryptSegment(_ encrypted: [UInt8], number: Int) throws(WorkbookError) -> [UInt8]
}
