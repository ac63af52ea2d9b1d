import HuashuLedger

/// libFuzzer entry: any bytes as a ledger must parse to records and problems,
/// or a file error, without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLedger(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? LedgerReader.read(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
