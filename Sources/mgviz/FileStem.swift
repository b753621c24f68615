import Glibc
import MgvizExport
import MgvizFiles
import MgvizKit
import MgvizRender
import MgvizSpec

/// The file name at the end of `path` without its extension, as Foundation's
/// `URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent` gives it: trailing
/// slashes are ignored; a name that starts with its only dot (`.hidden`) or ends with one
/// (`name.`) keeps it; a relative path that ends in `.` or `..` (or is empty) names the folder
/// it leads to from the current one. Unlike URL, a leading `~` is a name, as it is to the
/// kernel that opens the spec.
func fileStem(_ path: String) -> String {
    guard let name = path.split(separator: "/").last else { return path.isEmpty ? resolvedName("") : "/" }
    if name == "." || name == ".." { return path.hasPrefix("/") ? String(name) : resolvedName(path) }
    guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")), dot > name.startIndex,
          name.utf8.index(after: dot) < name.endIndex
    else { return String(name) }
    let stem = name[..<dot]
    return stem == "." || stem == ".." ? String(name) : String(stem)
}

/// The last name of the current folder followed by `relative`, its dot segments removed as a
/// URL's are (without following links, and `..` taking back an empty segment too), or "/".
private func resolvedName(_ relative: String) -> String {
    var segments: [Substring] = []
    for segment in (currentFolder() + "/" + relative).split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
        switch segment {
        case ".": continue
        case "..": _ = segments.popLast()
        default: segments.append(segment)
        }
    }
    return segments.last(where: { !$0.isEmpty }).map(String.init) ?? "/"
}

