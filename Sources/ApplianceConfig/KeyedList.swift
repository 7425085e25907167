import DomainNames
import OrderedCollections

/// The objects of a section in their order, each found by its id (`objectID`: the name with case
/// folded) in constant time. No two elements share an id: `append` of a taken id is refused.
///
/// Encoded as the plain array of its elements, so revisions and files written when the section
/// was an array read and write the same bytes (`LegacyFormatTests`).
public struct KeyedList<Element: ConfigObject>: Sendable, Equatable {
    private var storage: OrderedDictionary<String, Element>

    public init() { storage = [:] }

    /// The elements in order; of elements sharing an id only the first is kept.
    public init(_ elements: some Sequence<Element>) {
        storage = [:]
        for element in elements where storage[element.objectID] == nil {
            storage[element.objectID] = element
        }
    }

    /// The element with this id (`objectID`), if any.
    public subscript(id id: String) -> Element? { storage[id] }

    /// The position of the element with this id.
    public func index(ofID id: String) -> Int? { storage.index(forKey: id) }

    public func contains(id: String) -> Bool { storage[id] != nil }

    /// Adds `element` at the end; false (and nothing changes) when its id is taken.
    @discardableResult
    public mutating func append(_ element: Element) -> Bool {
        guard storage[element.objectID] == nil else { return false }
        storage[element.objectID] = element
        return true
    }

    /// Adds each element whose id is not taken, in order.
    public mutating func append(contentsOf elements: some Sequence<Element>) {
        for element in elements { append(element) }
    }

    /// Puts `element` at `position`; false when its id is taken.
    @discardableResult
    public mutating func insert(_ element: Element, at position: Int) -> Bool {
        storage.updateValue(element, forKey: element.objectID, insertingAt: position).originalMember == nil
    }

    /// Removes the element with this id; returns it.
    @discardableResult
    public mutating func remove(id: String) -> Element? { storage.removeValue(forKey: id) }

    @discardableResult
    public mutating func remove(at position: Int) -> Element { storage.remove(at: position).value }

    public mutating func removeAll() { storage.removeAll() }

    public mutating func removeAll(where shouldRemove: (Element) throws -> Bool) rethrows {
        try storage.removeAll { try shouldRemove($0.value) }
    }

    /// The elements as an array (no copy while neither is changed).
    public var elements: [Element] { storage.values.elements }
}

extension KeyedList: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    /// The element at `position`. Setting one whose id differs renames it in place (an id another
    /// element has removes that other element).
    public subscript(position: Int) -> Element {
        get { storage.values[position] }
        set {
            let old = storage.keys[position]
            if newValue.objectID == old {
                storage.values[position] = newValue
                return
            }
            storage.remove(at: position)
            if let other = storage.index(forKey: newValue.objectID) {
                storage.remove(at: other)
            }
            storage.updateValue(newValue, forKey: newValue.objectID, insertingAt: Swift.min(position, storage.count))
        }
    }
}

extension KeyedList: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Element...) { self.init(elements) }
}

extension KeyedList: Codable where Element: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try [Element](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try elements.encode(to: encoder)
    }
}

/// An element of a keyed section whose id is its name folded as `NameKind` folds it (a listener's
/// id is `listener.name.key.folded`), so the section is searched with a typed name.
public protocol NamedConfigObject: ConfigObject {
    associatedtype NameKind: FoldedNameKind
    /// The object's name as stored (shown and compared exactly; the id folds it).
    var objectName: Name<NameKind> { get }
}

extension NamedConfigObject {
    /// The name folded: objects whose names differ only in case have one id (one object).
    public var objectID: String { objectName.key.folded }
}

extension KeyedList where Element: NamedConfigObject {
    /// The element named `name`, ignoring case (`listeners[ListenerName("incomingmail")]` finds
    /// `IncomingMail`).
    public subscript(name: Name<Element.NameKind>) -> Element? { self[id: name.key.folded] }

    /// The element `name` names, if any (none: nil).
    public subscript(name: Name<Element.NameKind>?) -> Element? { name.flatMap { self[$0] } }

    /// The position of the element named `name`.
    public func index(of name: Name<Element.NameKind>) -> Int? { index(ofID: name.key.folded) }

    /// Removes the element named `name`; returns it.
    @discardableResult
    public mutating func remove(_ name: Name<Element.NameKind>) -> Element? { remove(id: name.key.folded) }
}
