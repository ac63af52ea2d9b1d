import HuashuScript

/// libFuzzer entry: any bytes as a dialogue file must compile to a script or
/// diagnostics, and format, without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScript(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = SourceText(name: "fuzz.huashu", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let result = ScriptCompiler.compile([source])
    for language in Language.allCases { _ = DiagnosticsFormatter(sources: [source], language: language).format(result.diagnostics) }
    return 0
}
