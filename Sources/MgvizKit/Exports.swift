// MgvizKit's API speaks in the types of the layers below it (a `Spec`, a `Diagram`, a
// `RenderError`, a `FileError`), so `import MgvizKit` brings them too: a program needs only
// the two products, Micrograd and MgvizKit.
@_exported import MgvizExport
@_exported import MgvizFiles
@_exported import MgvizRender
@_exported import MgvizSpec
