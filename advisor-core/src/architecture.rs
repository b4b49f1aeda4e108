//! Architecture components a system may have in place, and sets of them.

use core::fmt;

/// A building block of a system's architecture, as drawn in the growth-stage diagrams.
///
/// Serialized in `snake_case` (`"load_balancer"`).
///
/// # Examples
/// ```
/// use scalability_advisor_core::Component;
/// assert_eq!(Component::ReadReplicas.name(), "read_replicas");
/// assert_eq!(Component::from_name("cdn"), Some(Component::Cdn));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Component {
    /// Application, database and files on one machine (the startup architecture).
    SingleServer,
    /// Content delivery network caching static assets at the edge.
    Cdn,
    /// A load balancer spreading requests over several application servers.
    LoadBalancer,
    /// Database replicas serving reads.
    ReadReplicas,
    /// An application cache such as Redis.
    Cache,
    /// A background job queue for asynchronous work.
    JobQueue,
    /// An API gateway doing rate limiting, authentication and routing.
    ApiGateway,
    /// The application split into independently deployed services.
    Microservices,
    /// Auto-scaling of application instances driven by metrics.
    AutoScaling,
    /// The database split into shards.
    Sharding,
    /// A search cluster such as Elasticsearch.
    SearchCluster,
    /// A message queue or log (Kafka, SQS) between services.
    MessageQueue,
    /// A database connection pooler (PgBouncer, ProxySQL).
    ConnectionPooler,
    /// Circuit breakers between services.
    CircuitBreakers,
    /// Distributed tracing across services.
    DistributedTracing,
    /// A global load balancer (GeoDNS, anycast).
    GlobalLoadBalancer,
    /// Deployment in more than one region.
    MultiRegion,
    /// Data replicated between regions.
    CrossRegionReplication,
    /// Compute running at the CDN edge.
    EdgeCompute,
}

impl Component {
    /// Every component, in declaration order.
    pub const ALL: [Component; 19] = [
        Component::SingleServer,
        Component::Cdn,
        Component::LoadBalancer,
        Component::ReadReplicas,
        Component::Cache,
        Component::JobQueue,
        Component::ApiGateway,
        Component::Microservices,
        Component::AutoScaling,
        Component::Sharding,
        Component::SearchCluster,
        Component::MessageQueue,
        Component::ConnectionPooler,
        Component::CircuitBreakers,
        Component::DistributedTracing,
        Component::GlobalLoadBalancer,
        Component::MultiRegion,
        Component::CrossRegionReplication,
        Component::EdgeCompute,
    ];

    /// The `snake_case` name used in files and reports.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Component;
    /// assert_eq!(Component::GlobalLoadBalancer.name(), "global_load_balancer");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Component::SingleServer => "single_server",
            Component::Cdn => "cdn",
            Component::LoadBalancer => "load_balancer",
            Component::ReadReplicas => "read_replicas",
            Component::Cache => "cache",
            Component::JobQueue => "job_queue",
            Component::ApiGateway => "api_gateway",
            Component::Microservices => "microservices",
            Component::AutoScaling => "auto_scaling",
            Component::Sharding => "sharding",
            Component::SearchCluster => "search_cluster",
            Component::MessageQueue => "message_queue",
            Component::ConnectionPooler => "connection_pooler",
            Component::CircuitBreakers => "circuit_breakers",
            Component::DistributedTracing => "distributed_tracing",
            Component::GlobalLoadBalancer => "global_load_balancer",
            Component::MultiRegion => "multi_region",
            Component::CrossRegionReplication => "cross_region_replication",
            Component::EdgeCompute => "edge_compute",
        }
    }

    /// The component as a noun phrase with its article, for sentences such as "Add …":
    /// what a report's plan step is called when it installs a component that no remedy of
    /// the decision matrix stands for.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Component;
    /// assert_eq!(Component::GlobalLoadBalancer.noun(), "a global load balancer");
    /// assert_eq!(Component::ReadReplicas.noun(), "read replicas");
    /// ```
    #[must_use]
    pub const fn noun(self) -> &'static str {
        match self {
            Component::SingleServer => "a single server",
            Component::Cdn => "a CDN",
            Component::LoadBalancer => "a load balancer",
            Component::ReadReplicas => "read replicas",
            Component::Cache => "an application cache",
            Component::JobQueue => "a job queue",
            Component::ApiGateway => "an API gateway",
            Component::Microservices => "microservices",
            Component::AutoScaling => "auto-scaling",
            Component::Sharding => "database sharding",
            Component::SearchCluster => "a search cluster",
            Component::MessageQueue => "a message queue",
            Component::ConnectionPooler => "a connection pooler",
            Component::CircuitBreakers => "circuit breakers",
            Component::DistributedTracing => "distributed tracing",
            Component::GlobalLoadBalancer => "a global load balancer",
            Component::MultiRegion => "a multi-region deployment",
            Component::CrossRegionReplication => "cross-region replication",
            Component::EdgeCompute => "edge compute",
        }
    }

    /// Looks a component up by its [`name`](Component::name).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Component;
    /// assert_eq!(
    ///     Component::from_name("read_replicas"),
    ///     Some(Component::ReadReplicas)
    /// );
    /// assert_eq!(Component::from_name("replicas"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<Component> {
        // One table lookup and one comparison, not a walk over every name: fleet tables
        // read a few names in every row.
        let c = BY_NAME
            .get(name_slot(name.as_bytes())?)
            .copied()
            .flatten()?;
        (c.name() == name).then_some(c)
    }

    const fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// Slots of [`BY_NAME`].
const NAME_SLOTS: usize = 64;

/// Where a name goes in [`BY_NAME`]: a hash of its length and first and last bytes; `None`
/// for the empty name.
const fn name_slot(name: &[u8]) -> Option<usize> {
    let [first, .., last] = name else {
        return match name {
            [only] => Some((1 + *only as usize * 10) % NAME_SLOTS),
            _ => None,
        };
    };
    Some((name.len() + *first as usize * 3 + *last as usize * 7) % NAME_SLOTS)
}

/// Each component at its name's slot; two names in one slot fail to compile.
const BY_NAME: [Option<Component>; NAME_SLOTS] = {
    let mut table = [None; NAME_SLOTS];
    let mut i = 0;
    while i < Component::ALL.len() {
        let c = Component::ALL[i];
        let Some(slot) = name_slot(c.name().as_bytes()) else {
            panic!("a component without a name");
        };
        assert!(table[slot].is_none(), "two component names share a slot");
        table[slot] = Some(c);
        i += 1;
    }
    table
};

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`Component`]s, stored as a bit set (`Copy`, no allocation).
///
/// Serialized as a list of component names; duplicates in input are merged.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Component, ComponentSet};
/// let mut have =
///     ComponentSet::from_components(&[Component::Cdn, Component::LoadBalancer]);
/// have.insert(Component::Cache);
/// assert!(have.contains(Component::Cache));
/// let growth = ComponentSet::from_components(&[Component::Cdn, Component::ReadReplicas]);
/// assert_eq!(
///     growth.difference(have).iter().collect::<Vec<_>>(),
///     [Component::ReadReplicas]
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ComponentSet(u32);

impl Component {
    /// The metric whose measurement shows the component in place when the architecture
    /// does not declare it ([`MetricsSnapshot::components_in_place`]), and how it shows it:
    /// the metrics only the component reports ([`Metric::reported_by`]) "is measured", and
    /// [`Metric::DeployedRegions`] "is 2 or more" for `multi_region`. `None` for the
    /// components no metric shows.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, Metric};
    /// assert_eq!(
    ///     Component::Cache.shown_by(),
    ///     Some((Metric::CacheHitRate, "is measured"))
    /// );
    /// assert_eq!(
    ///     Component::MultiRegion.shown_by(),
    ///     Some((Metric::DeployedRegions, "is 2 or more"))
    /// );
    /// assert_eq!(Component::LoadBalancer.shown_by(), None);
    /// ```
    ///
    /// [`MetricsSnapshot::components_in_place`]: crate::MetricsSnapshot::components_in_place
    /// [`Metric::reported_by`]: crate::Metric::reported_by
    /// [`Metric::DeployedRegions`]: crate::Metric::DeployedRegions
    #[must_use]
    pub const fn shown_by(self) -> Option<(crate::Metric, &'static str)> {
        match self {
            Component::ReadReplicas => Some((crate::Metric::ReplicaLag, "is measured")),
            Component::Cache => Some((crate::Metric::CacheHitRate, "is measured")),
            Component::Microservices => {
                Some((crate::Metric::InterServiceP95Latency, "is measured"))
            }
            Component::MultiRegion => Some((crate::Metric::DeployedRegions, "is 2 or more")),
            _ => None,
        }
    }

    /// The component whose declaration brings this one into place
    /// ([`MetricsSnapshot::components_in_place`]): `auto_scaling` brings a `load_balancer`,
    /// since the servers a scaler adds are reached through something that spreads the
    /// requests over them (a balancer, an API gateway's routing, a platform's service
    /// routing; the guide's stage-3 services are auto-scaled behind the gateway). `None` for
    /// the others.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::Component;
    /// assert_eq!(Component::LoadBalancer.brought_by(), Some(Component::AutoScaling));
    /// assert_eq!(Component::Cache.brought_by(), None);
    /// ```
    ///
    /// [`MetricsSnapshot::components_in_place`]: crate::MetricsSnapshot::components_in_place
    #[must_use]
    pub const fn brought_by(self) -> Option<Component> {
        match self {
            Component::LoadBalancer => Some(Component::AutoScaling),
            _ => None,
        }
    }
}

impl ComponentSet {
    /// The empty set.
    pub const EMPTY: ComponentSet = ComponentSet(0);

    /// Builds a set from a slice of components.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet};
    /// const GROWTH: ComponentSet =
    ///     ComponentSet::from_components(&[Component::Cdn, Component::Cache]);
    /// assert_eq!(GROWTH.len(), 2);
    /// ```
    #[must_use]
    pub const fn from_components(components: &[Component]) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < components.len() {
            bits |= components[i].bit();
            i += 1;
        }
        ComponentSet(bits)
    }

    /// Adds a component; returns whether it was absent.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet};
    /// let mut set = ComponentSet::EMPTY;
    /// assert!(set.insert(Component::Cdn));
    /// assert!(!set.insert(Component::Cdn)); // already there
    /// ```
    pub fn insert(&mut self, component: Component) -> bool {
        let absent = !self.contains(component);
        self.0 |= component.bit();
        absent
    }

    /// Removes a component; returns whether it was present.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet};
    /// let mut set = ComponentSet::from_components(&[Component::Cdn]);
    /// assert!(set.remove(Component::Cdn));
    /// assert!(set.is_empty());
    /// ```
    pub fn remove(&mut self, component: Component) -> bool {
        let present = self.contains(component);
        self.0 &= !component.bit();
        present
    }

    /// Whether the set holds `component`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet};
    /// let set = ComponentSet::from_components(&[Component::Cache]);
    /// assert!(set.contains(Component::Cache));
    /// assert!(!set.contains(Component::Cdn));
    /// ```
    #[must_use]
    pub const fn contains(self, component: Component) -> bool {
        self.0 & component.bit() != 0
    }

    /// Whether the set is empty.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::ComponentSet;
    /// assert!(ComponentSet::EMPTY.is_empty());
    /// ```
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the set is empty, by reference (for `serde(skip_serializing_if)`).
    #[cfg(feature = "serde")]
    pub(crate) fn is_empty_ref(&self) -> bool {
        self.is_empty()
    }

    /// The number of components in the set.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{ComponentSet, Stage};
    /// assert_eq!(Stage::Growth.architecture().len(), 4);
    /// assert_eq!(ComponentSet::EMPTY.len(), 0);
    /// ```
    #[must_use]
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Components in both sets.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet, Stage};
    /// let have = ComponentSet::from_components(&[Component::Cdn, Component::JobQueue]);
    /// let common = have.intersection(Stage::Growth.architecture());
    /// assert_eq!(common.iter().collect::<Vec<_>>(), [Component::Cdn]);
    /// ```
    #[must_use]
    pub const fn intersection(self, other: ComponentSet) -> ComponentSet {
        ComponentSet(self.0 & other.0)
    }

    /// Components in either set.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet};
    /// let a = ComponentSet::from_components(&[Component::Cdn]);
    /// let b = ComponentSet::from_components(&[Component::Cache]);
    /// assert_eq!(a.union(b).len(), 2);
    /// ```
    #[must_use]
    pub const fn union(self, other: ComponentSet) -> ComponentSet {
        ComponentSet(self.0 | other.0)
    }

    /// Components in `self` but not in `other`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet, Stage};
    /// let have = ComponentSet::from_components(&[Component::Cdn, Component::LoadBalancer]);
    /// let missing = Stage::Growth.architecture().difference(have);
    /// assert_eq!(missing.to_string(), "read_replicas, cache");
    /// ```
    #[must_use]
    pub const fn difference(self, other: ComponentSet) -> ComponentSet {
        ComponentSet(self.0 & !other.0)
    }

    /// The components, in declaration order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Component, ComponentSet};
    /// let set = ComponentSet::from_components(&[Component::Cache, Component::Cdn]);
    /// let names: Vec<&str> = set.iter().map(Component::name).collect();
    /// assert_eq!(names, ["cdn", "cache"]); // declaration order
    /// ```
    pub fn iter(self) -> impl Iterator<Item = Component> {
        Component::ALL
            .into_iter()
            .filter(move |c| self.contains(*c))
    }
}

impl FromIterator<Component> for ComponentSet {
    fn from_iter<I: IntoIterator<Item = Component>>(iter: I) -> Self {
        let mut set = ComponentSet::EMPTY;
        for c in iter {
            set.insert(c);
        }
        set
    }
}

impl Extend<Component> for ComponentSet {
    fn extend<I: IntoIterator<Item = Component>>(&mut self, iter: I) {
        for c in iter {
            self.insert(c);
        }
    }
}

impl fmt::Display for ComponentSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("(none)");
        }
        for (i, c) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(c.name())?;
        }
        Ok(())
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ComponentSet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ComponentSet".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let item = generator.subschema_for::<Component>();
        schemars::json_schema!({ "type": "array", "items": item, "description": "components in place" })
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ComponentSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ComponentSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ComponentSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of component names such as [\"cdn\", \"load_balancer\"]")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ComponentSet, A::Error> {
                let mut set = ComponentSet::EMPTY;
                while let Some(c) = seq.next_element::<Component>()? {
                    set.insert(c);
                }
                Ok(set)
            }
        }
        deserializer.deserialize_seq(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The table finds what a walk over every name finds, for names, names with a byte
        /// changed, cut or added, and any text.
        #[test]
        fn the_name_table_finds_what_a_walk_finds(
            c in 0..Component::ALL.len(),
            edit in 0usize..4,
            at in 0usize..32,
            byte in proptest::prop_oneof![97u8..=122, proptest::strategy::Just(b'_'), 0u8..=255],
            any in "\\PC{0,24}",
        ) {
            let mut name = Component::ALL[c].name().as_bytes().to_vec();
            let at = at % (name.len() + 1);
            match edit {
                0 => {}
                1 => if let Some(b) = name.get_mut(at) { *b = byte },
                2 => name.truncate(at),
                _ => name.insert(at, byte),
            }
            let walk = |text: &str| Component::ALL.into_iter().find(|c| c.name() == text);
            if let Ok(text) = core::str::from_utf8(&name) {
                proptest::prop_assert_eq!(Component::from_name(text), walk(text));
            }
            proptest::prop_assert_eq!(Component::from_name(&any), walk(&any));
        }
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        for c in Component::ALL {
            assert_eq!(Component::from_name(c.name()), Some(c));
        }
        let set: ComponentSet = Component::ALL.into_iter().collect();
        assert_eq!(set.len(), Component::ALL.len());
    }

    #[test]
    fn nouns_name_the_component_in_words() {
        // Each noun holds every word of the component's name, is unique, and is lower case
        // but for acronyms (it goes mid-sentence: "Add a CDN").
        let mut seen = std::collections::BTreeSet::new();
        for c in Component::ALL {
            let noun = c.noun();
            assert!(seen.insert(noun), "{noun} twice");
            let lower = noun.to_lowercase();
            for word in c.name().split('_') {
                assert!(lower.contains(word), "{noun} lacks {word}");
            }
            assert!(noun.starts_with(|ch: char| ch.is_lowercase()), "{noun}");
        }
        assert_eq!(Component::Cdn.noun(), "a CDN");
        assert_eq!(Component::Cache.noun(), "an application cache");
        assert_eq!(Component::Sharding.noun(), "database sharding");
    }

    #[test]
    fn insert_and_remove_report_change() {
        let mut s = ComponentSet::EMPTY;
        assert!(s.insert(Component::Cdn));
        assert!(!s.insert(Component::Cdn));
        assert!(s.remove(Component::Cdn));
        assert!(!s.remove(Component::Cdn));
        assert!(s.is_empty());
    }

    #[test]
    fn set_algebra() {
        use Component::{Cache, Cdn, LoadBalancer};
        let a = ComponentSet::from_components(&[Cdn, Cache]);
        let b = ComponentSet::from_components(&[Cache, LoadBalancer]);
        assert_eq!(a.intersection(b), ComponentSet::from_components(&[Cache]));
        assert_eq!(
            a.union(b),
            ComponentSet::from_components(&[Cdn, Cache, LoadBalancer])
        );
        assert_eq!(a.difference(b), ComponentSet::from_components(&[Cdn]));
        assert_eq!(
            b.difference(a),
            ComponentSet::from_components(&[LoadBalancer])
        );
        assert!(a.difference(a).is_empty());
        let mut c = ComponentSet::EMPTY;
        c.extend([Cdn, Cdn, Cache]);
        assert_eq!(c, a);
        assert_eq!(c.len(), 2);
        assert_eq!(Cdn.to_string(), "cdn");
    }

    #[test]
    fn display_lists_names() {
        let s = ComponentSet::from_components(&[Component::Cache, Component::Cdn]);
        assert_eq!(s.to_string(), "cdn, cache");
        assert_eq!(ComponentSet::EMPTY.to_string(), "(none)");
    }

    #[cfg(feature = "schema")]
    #[test]
    fn schema_is_an_array_of_component_names() {
        let schema = serde_json::to_value(schemars::schema_for!(ComponentSet)).unwrap();
        assert_eq!(schema["type"], "array");
        assert!(schema["items"].is_object());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn empty_set_is_skipped_in_snapshots() {
        assert!(ComponentSet::EMPTY.is_empty_ref());
        assert!(!ComponentSet::from_components(&[Component::Cdn]).is_empty_ref());
        let json = serde_json::to_string(&crate::MetricsSnapshot::default()).unwrap();
        assert_eq!(json, "{}");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip_as_name_list() {
        let s = ComponentSet::from_components(&[Component::LoadBalancer, Component::Cdn]);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"["cdn","load_balancer"]"#);
        assert_eq!(serde_json::from_str::<ComponentSet>(&json).unwrap(), s);
        assert!(serde_json::from_str::<ComponentSet>(r#"["cdnn"]"#).is_err());
    }
}
