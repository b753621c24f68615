import MgvizExport
import MgvizRender
import MgvizSpec

/// Why a drawing could not be made. Each case is one line for the terminal; the caller puts
/// the spec's file name in front where `namesInput` says so.
public enum DrawError: Error, Sendable, CustomStringConvertible {
    /// The spec could not be read or evaluated: where in it, and why.
    case spec(SpecError)
    /// An option is out of its range.
    case invalidOption(InvalidOption)
    /// A spec's `expect` has grads, but `showsGradients` is false.
    case gradsWithoutBackward
    /// `--check` was asked of a dump, which has no expressions to evaluate again.
    case checkNeedsSpec
    /// `--explain` was asked of a dump without grads, which has no backward to replay.
    case explainNeedsGrads
    /// A gradient check's inputs × nodes (`GradientCheck.work`) is over `DrawOptions.maximumCheckWork`.
    case checkTooCostly(inputs: Int, nodes: Int, maximum: Int)
    /// `--explain` would print more lines than `DrawOptions.maximumExplanationLines`.
    case explanationTooLong(lines: Int, maximum: Int)
    /// `--theme auto` for a bitmap or PDF, which cannot follow the reader's preference.
    case autoThemeNeedsSVG(OutputFormat)
    /// `focus` names no node, or names several.
    case focus(FocusError)
    /// A plate could not be drawn as asked: the graph is no batch, or has no such example.
    case plate(PlateRefusal)
    /// More values than `DrawOptions.maximumNodes` for a format that needs a layout.
    case tooManyNodes(count: Int, maximum: Int, format: OutputFormat)
    /// `LayoutCost` expects dot to take too long; `canCollapse` when collapsing the model's
    /// neurons would help.
    case tooCostlyToLayOut(LayoutCost, canCollapse: Bool)
    /// The PNG's pixel cap would bring it below `DrawOptions.minimumUsefulDotsPerInch`.
    case resolutionTooLow(dotsPerInch: Double, size: BitmapSize)
    /// No format was given and the path's extension names none.
    case unknownFormat(path: String)
    /// Graphviz failed.
    case render(RenderError)
    /// The output file could not be written.
    case file(FileError)

    /// One line for the terminal, without the input's name (see `namesInput`).
    public var description: String {
        switch self {
        case .spec(let error): return error.description
        case .invalidOption(let error): return error.description
        case .gradsWithoutBackward: return "\"expect\" has grads, which --no-backward does not compute"
        case .autoThemeNeedsSVG(let format):
            return "--theme auto follows the reader's light or dark preference, which only SVG (and HTML) can; \(format.rawValue) takes --theme light or dark"
        case .explainNeedsGrads:
            return "--explain replays backward, and this dump has no grads (it was written with --no-backward); dump the graph with its grads"
        case .checkNeedsSpec:
            return "--check evaluates the graph again, and a dump (\"format\": \"\(GraphDump.format)\") is drawn as given, with no expressions; check the spec it came from"
        case .checkTooCostly(let inputs, let nodes, let maximum):
            return "--check evaluates the graph again for each input: \(inputs) inputs × \(nodes) nodes, over the limit of \(maximum); check a smaller spec (fewer inputs or nodes), or draw this one without --check"
        case .explanationTooLong(let lines, let maximum):
            return "--explain prints a line per operand use, and this graph has \(lines), over the limit of \(maximum); explain a smaller spec, or write the grads with -o graph.json"
        case .focus(let error): return error.description
        case .plate(let refusal): return refusal.description
        case .tooManyNodes(let count, let maximum, let format):
            return "the graph has \(count) nodes, more than --max-nodes \(maximum) allows for a \(format.rawValue) layout (Graphviz slows down on big graphs); write .dot or .json instead, or raise --max-nodes"
        case .tooCostlyToLayOut(let cost, let canCollapse):
            let wayOut = canCollapse ? "collapse the model with --collapse neurons, " : ""
            return "this graph is likely to take dot over 10 s to lay out: \(cost.graphvizNodes) nodes, layout cost \(cost.score) (at most \(LayoutCost.refusalThreshold)), fan-out reach \(cost.fanOutReach) (at most \(LayoutCost.fanOutReachThreshold)); \(wayOut)draw a part with --focus NAME --depth K, or write .dot or .json"
        case .resolutionTooLow(let dotsPerInch, let size):
            return "the PNG would be drawn at \(fixedText(dotsPerInch, decimals: 2)) dpi \(size.limitsInWords), too small to read; write .svg or .pdf, or draw a part with --focus NAME --depth K"
        case .unknownFormat(let path):
            return "cannot tell the format of '\(shown(path))' from its extension; use .svg, .png, .pdf, .dot, .json or .html, or --format"
        case .render(let error): return error.description
        case .file(let error): return error.description
        }
    }

    /// Whether the message is about the input, so that the caller should name it first.
    public var namesInput: Bool {
        switch self {
        case .spec, .gradsWithoutBackward, .checkNeedsSpec, .explainNeedsGrads, .checkTooCostly, .explanationTooLong, .focus, .plate,
             .tooManyNodes, .tooCostlyToLayOut, .resolutionTooLow:
            return true
        case .invalidOption, .autoThemeNeedsSVG, .unknownFormat, .render, .file: return false
        }
    }

    /// The command's exit status for this error.
    public var exitStatus: ExitStatus {
        switch self {
        case .spec, .checkTooCostly, .explanationTooLong, .tooManyNodes, .tooCostlyToLayOut, .resolutionTooLow: return .dataError
        case .invalidOption, .gradsWithoutBackward, .checkNeedsSpec, .explainNeedsGrads, .autoThemeNeedsSVG, .focus, .plate, .unknownFormat: return .usage
        case .render: return .software
        case .file(let error): return error.exitStatus
        }
    }

    /// The line printed when a layout runs past `DrawOptions.maximumLayoutSeconds`; the
    /// process ends right after it, from a signal handler.
    static func layoutTimedOut(seconds: Int) -> String {
        "dot did not finish this layout within --max-layout-seconds \(seconds) of CPU time; draw a part with --focus NAME --depth K, write .dot or .json, or raise the limit"
    }
}

extension FileError {
    /// The command's exit status for this error.
    public var exitStatus: ExitStatus {
        switch self {
        case .cannotRead: return .noInput
        case .tooLarge: return .dataError
        case .cannotWrite: return .cannotCreate
        // Only documents and their images must be files: the command line named the wrong one.
        case .notARegularFile: return .usage
        }
    }
}

extension BitmapSize {
    /// Why a PNG is drawn at less than asked.
    var limitsInWords: String {
        "to stay within \(maximumPixels / 1_000_000) megapixels and \(BitmapSize.maximumSide) pixels a side"
    }
}

extension RenderError: CustomStringConvertible {
    /// One line, for the terminal: what failed, then what Graphviz said, its lines joined by `; `.
    public var description: String {
        switch self {
        case .libraryFolderNotFound: return "Graphviz: cannot find libgvc's folder"
        case .pluginFolderUnreadable(let path, let reason): return "Graphviz: cannot read its plugin folder \(path): \(reason)"
        case .pluginMissing(let plugin, let folder): return "Graphviz: no \(plugin) plugin (libgvplugin_\(plugin).so.N) in \(folder)"
        case .pluginUnloadable(let plugin, let reason): return "Graphviz: cannot load the \(plugin) plugin: \(reason)"
        case .contextUnavailable: return "Graphviz: could not create a context"
        case .unreadableGraph(let messages): return Self.failure("could not read the DOT", messages)
        case .layoutFailed(let engine, let messages): return Self.failure("layout '\(engine)' failed", messages)
        case .renderingFailed(let format, let messages): return Self.failure("rendering '\(format)' failed", messages)
        case .resolutionTooLow(let dotsPerInch, let size): return DrawError.resolutionTooLow(dotsPerInch: dotsPerInch, size: size).description
        }
    }

    private static func failure(_ what: String, _ messages: [String]) -> String {
        messages.isEmpty ? "Graphviz: \(what)" : "Graphviz: \(what): " + messages.joined(separator: "; ")
    }
}

extension FocusError: CustomStringConvertible {
    /// One line, for the terminal; names are escaped and cut short.
    public var description: String {
        switch self {
        case .unknownName(let name, let nearMatches):
            let hint = nearMatches.isEmpty ? "" : "; did you mean " + nearMatches.map { "'\(echo($0))'" }.joined(separator: ", ") + "?"
            return "--focus: no node is labelled '\(echo(name))' or has that id\(hint)"
        case .ambiguousName(let name, let ids, let count):
            return "--focus: \(count) nodes are labelled '\(echo(name))'; name one by its id: \(ids.joined(separator: ", "))\(count > ids.count ? ", …" : "")"
        }
    }
}

extension PlateRefusal: CustomStringConvertible {
    /// One line, for the terminal.
    public var description: String {
        switch self {
        case .notABatch:
            return "--example: no model ran on a batch of examples here, so there is no plate to show one of"
        case .examplesDiffer(let example):
            return "--example: the examples are not all one computation (example \(example) differs from the others); draw them all with --batch all"
        case .sharedNodeUsesAnExample:
            return "--example: the examples meet other than in a sum over them; draw them all with --batch all"
        case .noSuchExample(let example, let count):
            return "--example \(example): the batch has \(count) examples, 0 to \(count - 1)"
        }
    }
}
