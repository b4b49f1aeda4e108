//! Named things inside a snapshot: database tables, SQL statements and hosts, each with its
//! own figures, so that a finding can say *which* table lacks an index, *which* statement is
//! slow and *which* host is saturated, rather than one number per metric.
//!
//! A snapshot keeps its scalar metrics for what has no entity; entity lists are optional
//! ([`MetricsSnapshot::tables`](crate::MetricsSnapshot::tables),
//! [`statements`](crate::MetricsSnapshot::statements),
//! [`hosts`](crate::MetricsSnapshot::hosts)). `None` means "not collected", which rules
//! report as not evaluated; an empty list means "collected, there were none".
//!
//! Rule packs read entities through [`EntityField`]s: every field has a name, a unit and a
//! meaning, and derived fields (rates over the covered period, shares) are computed here, once.
//!
//! # Examples
//! ```
//! use core::time::Duration;
//! use scalability_advisor_core::{Entities, Entity, EntityField, EntityName, TableStats, units::Count};
//!
//! // The table of the PostgreSQL trial: 1,107 sequential scans read 184.5M rows in 60 s.
//! let events = TableStats::new(EntityName::table("events")?)
//!     .with_rows(Count::new(500_000))
//!     .with_seq_scans(Count::new(1_107))
//!     .with_seq_rows_read(Count::new(184_500_000))
//!     .with_index_scans(Count::new(0))
//!     .with_period(Duration::from_secs(60));
//! assert_eq!(events.field(EntityField::SeqScanRate), Some(1_107.0 / 60.0));
//! let tables = Entities::new(vec![events])?;
//! assert_eq!(tables.len(), 1);
//! # Ok::<(), scalability_advisor_core::Error>(())
//! ```

use core::fmt;
use core::time::Duration;

use crate::Error;
use crate::snapshot::UnitKind;
use crate::units::{Bytes, Count, Ratio, u64_to_f64};

/// The kinds of entity a snapshot can list.
///
/// # Examples
/// ```
/// use scalability_advisor_core::EntityKind;
/// assert_eq!(EntityKind::Table.list_name(), "tables");
/// assert_eq!(EntityKind::from_list_name("hosts"), Some(EntityKind::Host));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EntityKind {
    /// A database table (PostgreSQL `pg_stat_user_tables`).
    Table,
    /// A normalised SQL statement (PostgreSQL `pg_stat_statements`).
    Statement,
    /// A machine or container running part of the system.
    Host,
}

impl EntityKind {
    /// Every kind, in declaration order.
    pub const ALL: [EntityKind; 3] = [EntityKind::Table, EntityKind::Statement, EntityKind::Host];

    /// The singular name (`table`), as used in messages and evidence.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::EntityKind;
    /// assert_eq!(EntityKind::Statement.name(), "statement");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            EntityKind::Table => "table",
            EntityKind::Statement => "statement",
            EntityKind::Host => "host",
        }
    }

    /// The snapshot key of the list (`tables`), also its name in rule conditions
    /// (`any(tables, ...)`).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::EntityKind;
    /// assert_eq!(EntityKind::Statement.list_name(), "statements");
    /// ```
    #[must_use]
    pub const fn list_name(self) -> &'static str {
        match self {
            EntityKind::Table => "tables",
            EntityKind::Statement => "statements",
            EntityKind::Host => "hosts",
        }
    }

    /// Looks a kind up by its [`list_name`](EntityKind::list_name).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::EntityKind;
    /// assert_eq!(EntityKind::from_list_name("tables"), Some(EntityKind::Table));
    /// assert_eq!(EntityKind::from_list_name("table"), None);
    /// ```
    #[must_use]
    pub fn from_list_name(name: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.list_name() == name)
    }

    /// The fields of this kind, in declaration order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{EntityField, EntityKind};
    /// assert!(EntityKind::Host.fields().any(|f| f == EntityField::HostCpu));
    /// ```
    pub fn fields(self) -> impl Iterator<Item = EntityField> {
        EntityField::ALL
            .into_iter()
            .filter(move |f| f.kind() == self)
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of an entity: a table name, a normalised statement text or query id, a host
/// name. From 1 to [`EntityName::MAX_BYTES`] bytes; otherwise free text.
///
/// # Examples
/// ```
/// use scalability_advisor_core::EntityName;
/// let name = EntityName::table("public.events")?;
/// assert_eq!(name.as_str(), "public.events");
/// assert!(EntityName::table("").is_err());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct EntityName(String);

impl EntityName {
    /// Longest name accepted, in bytes (a normalised statement text can be long).
    pub const MAX_BYTES: usize = 4_096;

    /// Validates a name for an entity of `kind`.
    ///
    /// # Errors
    /// [`Error::EntityName`] when the name is empty or longer than
    /// [`EntityName::MAX_BYTES`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{EntityKind, EntityName};
    /// let q = EntityName::new(EntityKind::Statement, "SELECT * FROM events WHERE customer_id = $1")?;
    /// assert!(q.as_str().starts_with("SELECT"));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn new(kind: EntityKind, name: impl Into<String>) -> Result<EntityName, Error> {
        let name = name.into();
        if name.is_empty() || name.len() > EntityName::MAX_BYTES {
            return Err(Error::EntityName {
                kind: kind.name(),
                max: EntityName::MAX_BYTES,
                got: name.len(),
            });
        }
        Ok(EntityName(name))
    }

    /// A table's name; see [`EntityName::new`].
    ///
    /// # Errors
    /// As [`EntityName::new`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::EntityName;
    /// assert_eq!(EntityName::table("events")?.to_string(), "events");
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn table(name: impl Into<String>) -> Result<EntityName, Error> {
        EntityName::new(EntityKind::Table, name)
    }

    /// The name.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::EntityName;
    /// assert_eq!(EntityName::table("events")?.as_str(), "events");
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EntityName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for EntityName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.is_empty() || s.len() > EntityName::MAX_BYTES {
            return Err(serde::de::Error::custom(format!(
                "a name must be 1 to {} bytes long, got {} bytes",
                EntityName::MAX_BYTES,
                s.len()
            )));
        }
        Ok(EntityName(s))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for EntityName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EntityName".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "maxLength": EntityName::MAX_BYTES,
            "description": "a table name, normalised statement text or query id, or host name"
        })
    }
}

/// What a host runs. A host with two roles or more is a co-location: its CPU, memory and
/// disk are shared, so a saturated host is a problem of every part on it.
///
/// # Examples
/// ```
/// use scalability_advisor_core::HostRole;
/// assert_eq!(HostRole::Db.name(), "db");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum HostRole {
    /// Application servers.
    App,
    /// A database server.
    Db,
    /// A cache server (Redis, Memcached).
    Cache,
}

impl HostRole {
    /// Every role.
    pub const ALL: [HostRole; 3] = [HostRole::App, HostRole::Db, HostRole::Cache];

    /// The role's name in files and conditions.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::HostRole;
    /// assert_eq!(HostRole::Cache.name(), "cache");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            HostRole::App => "app",
            HostRole::Db => "db",
            HostRole::Cache => "cache",
        }
    }

    const fn bit(self) -> u8 {
        match self {
            HostRole::App => 1,
            HostRole::Db => 2,
            HostRole::Cache => 4,
        }
    }
}

/// The roles of one host, a set (written as a list of names: `roles = ["app", "db"]`).
///
/// # Examples
/// ```
/// use scalability_advisor_core::{HostRole, HostRoles};
/// let roles = HostRoles::from_iter([HostRole::App, HostRole::Db, HostRole::App]);
/// assert_eq!(roles.len(), 2);
/// assert!(roles.is_colocation());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct HostRoles(u8);

impl HostRoles {
    /// Whether the host runs `role`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{HostRole, HostRoles};
    /// assert!(HostRoles::from_iter([HostRole::Db]).contains(HostRole::Db));
    /// ```
    #[must_use]
    pub const fn contains(self, role: HostRole) -> bool {
        self.0 & role.bit() != 0
    }

    /// Adds a role.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{HostRole, HostRoles};
    /// let mut roles = HostRoles::default();
    /// roles.insert(HostRole::Cache);
    /// assert!(roles.contains(HostRole::Cache));
    /// ```
    pub fn insert(&mut self, role: HostRole) {
        self.0 |= role.bit();
    }

    /// How many distinct roles.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::HostRoles;
    /// assert_eq!(HostRoles::default().len(), 0);
    /// ```
    #[must_use]
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether no role was declared.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::HostRoles;
    /// assert!(HostRoles::default().is_empty());
    /// ```
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether two or more roles share the host.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{HostRole, HostRoles};
    /// assert!(!HostRoles::from_iter([HostRole::Db]).is_colocation());
    /// ```
    #[must_use]
    pub const fn is_colocation(self) -> bool {
        self.len() >= 2
    }

    /// The roles, in [`HostRole::ALL`] order.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{HostRole, HostRoles};
    /// let roles = HostRoles::from_iter([HostRole::Db, HostRole::App]);
    /// assert_eq!(roles.iter().collect::<Vec<_>>(), [HostRole::App, HostRole::Db]);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = HostRole> {
        HostRole::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

impl FromIterator<HostRole> for HostRoles {
    fn from_iter<I: IntoIterator<Item = HostRole>>(iter: I) -> Self {
        let mut roles = HostRoles::default();
        for r in iter {
            roles.insert(r);
        }
        roles
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for HostRoles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for HostRoles {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = HostRoles;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of roles: \"app\", \"db\", \"cache\"")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<HostRoles, A::Error> {
                let mut roles = HostRoles::default();
                // Duplicates fold into the set, so the list's length does not matter.
                while let Some(r) = seq.next_element::<HostRole>()? {
                    roles.insert(r);
                }
                Ok(roles)
            }
        }
        d.deserialize_seq(V)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for HostRoles {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HostRoles".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let item = generator.subschema_for::<HostRole>();
        schemars::json_schema!({
            "type": "array",
            "items": item,
            "uniqueItems": true,
            "description": "what the host runs; two roles or more declare a co-location"
        })
    }
}

/// Every field a rule can read from an entity, with its unit and meaning.
///
/// In rule conditions a field is named by [`EntityField::name`] inside
/// `any(<list>, ...)`; derived fields are computed from the others and are unknown when an
/// input is missing or a divisor is zero.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{EntityField, EntityKind, UnitKind};
/// let f = EntityField::from_name(EntityKind::Table, "seq_rows_read_rate").unwrap();
/// assert_eq!(f, EntityField::SeqRowsReadRate);
/// assert_eq!(f.unit(), UnitKind::Rate);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EntityField {
    /// Table: live rows.
    Rows,
    /// Table: size on disk, table and indexes, in bytes.
    SizeBytes,
    /// Table: sequential scans over the period.
    SeqScans,
    /// Table: rows read by sequential scans over the period.
    SeqRowsRead,
    /// Table: index scans over the period.
    IndexScans,
    /// Table: dead rows waiting for vacuum.
    DeadRows,
    /// Table: the period the counters cover.
    TablePeriod,
    /// Table (derived): sequential scans per second, `seq_scans / period`.
    SeqScanRate,
    /// Table (derived): rows read by sequential scans per second, `seq_rows_read / period`.
    SeqRowsReadRate,
    /// Table (derived): dead rows as a share of all rows, `dead_rows / (rows + dead_rows)`.
    DeadRowShare,
    /// Statement: calls over the period.
    Calls,
    /// Statement: mean execution time.
    MeanTime,
    /// Statement: the slowest single execution.
    MaxTime,
    /// Statement: rows returned or affected over the period.
    StatementRows,
    /// Statement: its share of the total execution time of all statements.
    TimeShare,
    /// Statement: the period the counters cover.
    StatementPeriod,
    /// Statement (derived): calls per second, `calls / period`.
    CallRate,
    /// Statement (derived): rows per call, `rows / calls`.
    RowsPerCall,
    /// Host: CPU utilisation.
    HostCpu,
    /// Host: memory utilisation.
    HostMemory,
    /// Host: share of CPU time waiting on disk I/O.
    HostIoWait,
    /// Host: runs application servers.
    RoleApp,
    /// Host: runs a database.
    RoleDb,
    /// Host: runs a cache.
    RoleCache,
    /// Host (derived): runs two roles or more.
    Colocated,
}

impl EntityField {
    /// Every field, in declaration order (tables, statements, hosts).
    pub const ALL: [EntityField; 25] = [
        EntityField::Rows,
        EntityField::SizeBytes,
        EntityField::SeqScans,
        EntityField::SeqRowsRead,
        EntityField::IndexScans,
        EntityField::DeadRows,
        EntityField::TablePeriod,
        EntityField::SeqScanRate,
        EntityField::SeqRowsReadRate,
        EntityField::DeadRowShare,
        EntityField::Calls,
        EntityField::MeanTime,
        EntityField::MaxTime,
        EntityField::StatementRows,
        EntityField::TimeShare,
        EntityField::StatementPeriod,
        EntityField::CallRate,
        EntityField::RowsPerCall,
        EntityField::HostCpu,
        EntityField::HostMemory,
        EntityField::HostIoWait,
        EntityField::RoleApp,
        EntityField::RoleDb,
        EntityField::RoleCache,
        EntityField::Colocated,
    ];

    /// The most fields any one kind has: the size of a per-entity value array.
    pub const MAX_PER_KIND: usize = 10;

    /// The kind of entity the field belongs to.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{EntityField, EntityKind};
    /// assert_eq!(EntityField::MaxTime.kind(), EntityKind::Statement);
    /// ```
    #[must_use]
    pub const fn kind(self) -> EntityKind {
        match self {
            EntityField::Rows
            | EntityField::SizeBytes
            | EntityField::SeqScans
            | EntityField::SeqRowsRead
            | EntityField::IndexScans
            | EntityField::DeadRows
            | EntityField::TablePeriod
            | EntityField::SeqScanRate
            | EntityField::SeqRowsReadRate
            | EntityField::DeadRowShare => EntityKind::Table,
            EntityField::Calls
            | EntityField::MeanTime
            | EntityField::MaxTime
            | EntityField::StatementRows
            | EntityField::TimeShare
            | EntityField::StatementPeriod
            | EntityField::CallRate
            | EntityField::RowsPerCall => EntityKind::Statement,
            EntityField::HostCpu
            | EntityField::HostMemory
            | EntityField::HostIoWait
            | EntityField::RoleApp
            | EntityField::RoleDb
            | EntityField::RoleCache
            | EntityField::Colocated => EntityKind::Host,
        }
    }

    /// The field's position among its kind's fields (below
    /// [`EntityField::MAX_PER_KIND`]), for array indexing.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::EntityField;
    /// assert_eq!(EntityField::Rows.slot(), 0);
    /// assert_eq!(EntityField::Calls.slot(), 0);
    /// ```
    #[must_use]
    pub const fn slot(self) -> usize {
        let i = self as usize;
        match self.kind() {
            EntityKind::Table => i,
            EntityKind::Statement => i - EntityField::Calls as usize,
            EntityKind::Host => i - EntityField::HostCpu as usize,
        }
    }

    /// The field's name in rule conditions (inside `any(<list>, ...)`).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::EntityField;
    /// assert_eq!(EntityField::SeqRowsRead.name(), "seq_rows_read");
    /// assert_eq!(EntityField::StatementRows.name(), "rows");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            EntityField::Rows | EntityField::StatementRows => "rows",
            EntityField::SizeBytes => "size_bytes",
            EntityField::SeqScans => "seq_scans",
            EntityField::SeqRowsRead => "seq_rows_read",
            EntityField::IndexScans => "index_scans",
            EntityField::DeadRows => "dead_rows",
            EntityField::TablePeriod | EntityField::StatementPeriod => "period",
            EntityField::SeqScanRate => "seq_scan_rate",
            EntityField::SeqRowsReadRate => "seq_rows_read_rate",
            EntityField::DeadRowShare => "dead_row_share",
            EntityField::Calls => "calls",
            EntityField::MeanTime => "mean_time",
            EntityField::MaxTime => "max_time",
            EntityField::TimeShare => "time_share",
            EntityField::CallRate => "call_rate",
            EntityField::RowsPerCall => "rows_per_call",
            EntityField::HostCpu => "cpu",
            EntityField::HostMemory => "memory",
            EntityField::HostIoWait => "io_wait",
            EntityField::RoleApp => "app",
            EntityField::RoleDb => "db",
            EntityField::RoleCache => "cache",
            EntityField::Colocated => "colocated",
        }
    }

    /// Looks a field of `kind` up by its [`name`](EntityField::name).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{EntityField, EntityKind};
    /// assert_eq!(EntityField::from_name(EntityKind::Statement, "rows"), Some(EntityField::StatementRows));
    /// assert_eq!(EntityField::from_name(EntityKind::Host, "rows"), None);
    /// ```
    #[must_use]
    pub fn from_name(kind: EntityKind, name: &str) -> Option<EntityField> {
        kind.fields().find(|f| f.name() == name)
    }

    /// The kind of unit the field is measured in.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{EntityField, UnitKind};
    /// assert_eq!(EntityField::MeanTime.unit(), UnitKind::Duration);
    /// assert_eq!(EntityField::Colocated.unit(), UnitKind::Flag);
    /// ```
    #[must_use]
    pub const fn unit(self) -> UnitKind {
        match self {
            EntityField::Rows
            | EntityField::SizeBytes
            | EntityField::SeqScans
            | EntityField::SeqRowsRead
            | EntityField::IndexScans
            | EntityField::DeadRows
            | EntityField::Calls
            | EntityField::StatementRows
            | EntityField::RowsPerCall => UnitKind::Count,
            EntityField::TablePeriod
            | EntityField::StatementPeriod
            | EntityField::MeanTime
            | EntityField::MaxTime => UnitKind::Duration,
            EntityField::SeqScanRate | EntityField::SeqRowsReadRate | EntityField::CallRate => {
                UnitKind::Rate
            }
            EntityField::DeadRowShare
            | EntityField::TimeShare
            | EntityField::HostCpu
            | EntityField::HostMemory
            | EntityField::HostIoWait => UnitKind::Ratio,
            EntityField::RoleApp
            | EntityField::RoleDb
            | EntityField::RoleCache
            | EntityField::Colocated => UnitKind::Flag,
        }
    }

    /// One line on what the field means, for `init`, schemas and references.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::EntityField;
    /// assert!(EntityField::SeqRowsReadRate.meaning().contains("per second"));
    /// ```
    #[must_use]
    pub const fn meaning(self) -> &'static str {
        match self {
            EntityField::Rows => "live rows (pg_stat_user_tables.n_live_tup)",
            EntityField::SizeBytes => "size of the table with its indexes, in bytes",
            EntityField::SeqScans => "sequential scans over the period (seq_scan)",
            EntityField::SeqRowsRead => {
                "rows read by sequential scans over the period (seq_tup_read)"
            }
            EntityField::IndexScans => {
                "index scans over the period (idx_scan; 0 when it has no index)"
            }
            EntityField::DeadRows => "dead rows waiting for vacuum (n_dead_tup)",
            EntityField::TablePeriod | EntityField::StatementPeriod => {
                "the period the counters cover (two samples apart, or since the statistics reset)"
            }
            EntityField::SeqScanRate => "derived: sequential scans per second over the period",
            EntityField::SeqRowsReadRate => "derived: rows read by sequential scans per second",
            EntityField::DeadRowShare => "derived: dead rows over live plus dead rows",
            EntityField::Calls => "executions over the period (pg_stat_statements.calls)",
            EntityField::MeanTime => "mean execution time (mean_exec_time)",
            EntityField::MaxTime => "the slowest single execution (max_exec_time)",
            EntityField::StatementRows => "rows returned or affected over the period",
            EntityField::TimeShare => "share of all statements' execution time",
            EntityField::CallRate => "derived: executions per second over the period",
            EntityField::RowsPerCall => "derived: rows per execution",
            EntityField::HostCpu => "CPU utilisation of the host",
            EntityField::HostMemory => "memory utilisation of the host",
            EntityField::HostIoWait => "share of CPU time waiting on disk I/O",
            EntityField::RoleApp => "the host runs application servers",
            EntityField::RoleDb => "the host runs a database",
            EntityField::RoleCache => "the host runs a cache",
            EntityField::Colocated => "derived: the host runs two roles or more",
        }
    }
}

impl fmt::Display for EntityField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something a snapshot can list: it has a kind, a name and fields.
pub trait Entity {
    /// The kind of entity.
    const KIND: EntityKind;

    /// Its name.
    fn name(&self) -> &EntityName;

    /// A field's value in canonical units (seconds, per second, fractions, 0/1 for flags);
    /// `None` when not measured, not derivable, or when the field belongs to another kind.
    fn field(&self, field: EntityField) -> Option<f64>;

    /// Its figures in one line of plain words, for reports: what was measured, nothing
    /// derived that the reader cannot check.
    fn figures(&self) -> String;

    /// Writes every field of [`Entity::KIND`] at its [`EntityField::slot`], NaN when
    /// unknown.
    fn fill(&self, out: &mut [f64; EntityField::MAX_PER_KIND]) {
        out.fill(f64::NAN);
        for f in Self::KIND.fields() {
            if let (Some(v), Some(slot)) = (self.field(f), out.get_mut(f.slot())) {
                *slot = v;
            }
        }
    }
}

/// A count as people read it: `1,107`, `500,000`, `184.5M`, `3.2B`.
///
/// # Examples
/// ```
/// use scalability_advisor_core::entities::human_count;
/// assert_eq!(human_count(1_107), "1,107");
/// assert_eq!(human_count(184_500_000), "184.5M");
/// assert_eq!(human_count(3_000_000_000), "3B");
/// ```
#[must_use]
pub fn human_count(n: u64) -> String {
    let scaled = |div: f64, suffix: &str| {
        let v = u64_to_f64(n) / div;
        let t = format!("{v:.1}");
        format!("{}{suffix}", t.strip_suffix(".0").unwrap_or(&t))
    };
    if n >= 1_000_000_000 {
        scaled(1e9, "B")
    } else if n >= 1_000_000 {
        scaled(1e6, "M")
    } else {
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }
}

fn period_text(p: Option<Duration>) -> String {
    p.map_or_else(String::new, |d| {
        format!(" in {}", crate::Quantity::Duration(d))
    })
}

fn count(c: Option<Count>) -> Option<f64> {
    c.map(|c| u64_to_f64(c.get()))
}

fn per(numerator: Option<f64>, denominator: Option<f64>) -> Option<f64> {
    match (numerator, denominator) {
        (Some(n), Some(d)) if d > 0.0 => Some(n / d),
        _ => None,
    }
}

fn flag(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Serde for the optional millisecond durations of entities.
#[cfg(feature = "serde")]
fn no_duration(d: &Option<Duration>) -> bool {
    d.is_none()
}

/// One database table's statistics (PostgreSQL `pg_stat_user_tables`).
///
/// Counters cover [`TableStats::period`]: the difference of two samples taken that far
/// apart, or the totals since the statistics were reset with the time since then.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{EntityField, EntityName, TableStats, Entity, units::Count};
/// let t = TableStats::new(EntityName::table("events")?)
///     .with_dead_rows(Count::new(25))
///     .with_rows(Count::new(75));
/// assert_eq!(t.field(EntityField::DeadRowShare), Some(0.25));
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(remote = "Self", deny_unknown_fields))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TableStats {
    /// The table's name (schema-qualified when it helps: `public.events`).
    pub name: EntityName,
    /// Live rows.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub rows: Option<Count>,
    /// Size of the table with its indexes (file key `size_bytes`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "size_bytes",
            default,
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub size: Option<Bytes>,
    /// Sequential scans over the period.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub seq_scans: Option<Count>,
    /// Rows read by sequential scans over the period.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub seq_rows_read: Option<Count>,
    /// Index scans over the period (0 when the table has no index or none is used).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub index_scans: Option<Count>,
    /// Dead rows waiting for vacuum.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub dead_rows: Option<Count>,
    /// The period the counters cover (file key `period_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "period_ms",
            default,
            with = "crate::serde_ms",
            skip_serializing_if = "no_duration"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub period: Option<Duration>,
}

impl TableStats {
    /// A table with a name and no figures yet.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{EntityName, TableStats};
    /// let t = TableStats::new(EntityName::table("events")?);
    /// assert_eq!(t.rows, None);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn new(name: EntityName) -> TableStats {
        TableStats {
            name,
            rows: None,
            size: None,
            seq_scans: None,
            seq_rows_read: None,
            index_scans: None,
            dead_rows: None,
            period: None,
        }
    }
}

impl TableStats {
    /// The guide's missing-index check on this table: no index scans, more sequential scans
    /// per second than `scans`, and at least `min_rows` live rows. `None` when a figure it
    /// needs is unknown (the period, for the rate).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{EntityName, TableStats, units::{Count, Rate}};
    /// let per_day = Rate::from_per_second(1_000.0 / 86_400.0)?;
    /// let events = TableStats::new(EntityName::table("events")?)
    ///     .with_rows(Count::new(500_000))
    ///     .with_seq_scans(Count::new(1_107))
    ///     .with_index_scans(Count::new(0));
    /// assert_eq!(events.lacks_index(Count::new(10_000), per_day), None); // no period
    /// let events = events.with_period(Duration::from_secs(60));
    /// assert_eq!(events.lacks_index(Count::new(10_000), per_day), Some(true));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn lacks_index(&self, min_rows: Count, scans: crate::units::Rate) -> Option<bool> {
        let no_index = self.index_scans?.get() == 0;
        let big = self.rows? >= min_rows;
        let rate = self.field(EntityField::SeqScanRate);
        if !no_index || !big {
            return Some(false);
        }
        rate.map(|r| r > scans.as_per_second())
    }
}

impl Entity for TableStats {
    const KIND: EntityKind = EntityKind::Table;

    fn name(&self) -> &EntityName {
        &self.name
    }

    /// `1,107 sequential scans read 184.5M rows in 1.0 min; 500,000 rows; 0 index scans`.
    fn figures(&self) -> String {
        let mut parts = Vec::new();
        match (self.seq_scans, self.seq_rows_read) {
            (Some(s), Some(r)) => parts.push(format!(
                "{} sequential scans read {} rows{}",
                human_count(s.get()),
                human_count(r.get()),
                period_text(self.period)
            )),
            (Some(s), None) => parts.push(format!(
                "{} sequential scans{}",
                human_count(s.get()),
                period_text(self.period)
            )),
            (None, Some(r)) => parts.push(format!(
                "sequential scans read {} rows{}",
                human_count(r.get()),
                period_text(self.period)
            )),
            (None, None) => {}
        }
        if let Some(r) = self.rows {
            parts.push(format!("{} rows", human_count(r.get())));
        }
        if let Some(b) = self.size {
            parts.push(b.to_string());
        }
        if let Some(i) = self.index_scans {
            parts.push(format!("{} index scans", human_count(i.get())));
        }
        if let Some(d) = self.dead_rows {
            parts.push(format!("{} dead rows", human_count(d.get())));
        }
        parts.join("; ")
    }

    fn field(&self, field: EntityField) -> Option<f64> {
        let period = self.period.map(|p| p.as_secs_f64());
        match field {
            EntityField::Rows => count(self.rows),
            EntityField::SizeBytes => self.size.map(|b| u64_to_f64(b.as_bytes())),
            EntityField::SeqScans => count(self.seq_scans),
            EntityField::SeqRowsRead => count(self.seq_rows_read),
            EntityField::IndexScans => count(self.index_scans),
            EntityField::DeadRows => count(self.dead_rows),
            EntityField::TablePeriod => period,
            EntityField::SeqScanRate => per(count(self.seq_scans), period),
            EntityField::SeqRowsReadRate => per(count(self.seq_rows_read), period),
            EntityField::DeadRowShare => {
                let (live, dead) = (count(self.rows)?, count(self.dead_rows)?);
                per(Some(dead), Some(live + dead))
            }
            _ => None,
        }
    }
}

/// One normalised SQL statement's statistics (PostgreSQL `pg_stat_statements`).
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::{
///     Entity, EntityField, EntityKind, EntityName, StatementStats, units::Count,
/// };
/// let s = StatementStats::new(EntityName::new(EntityKind::Statement, "SELECT 1")?)
///     .with_calls(Count::new(600))
///     .with_period(Duration::from_secs(60));
/// assert_eq!(s.field(EntityField::CallRate), Some(10.0));
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(remote = "Self", deny_unknown_fields))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatementStats {
    /// The normalised statement text, or its query id.
    pub query: EntityName,
    /// Executions over the period.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub calls: Option<Count>,
    /// Mean execution time (file key `mean_time_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "mean_time_ms",
            default,
            with = "crate::serde_ms",
            skip_serializing_if = "no_duration"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub mean_time: Option<Duration>,
    /// The slowest single execution (file key `max_time_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "max_time_ms",
            default,
            with = "crate::serde_ms",
            skip_serializing_if = "no_duration"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub max_time: Option<Duration>,
    /// Rows returned or affected over the period.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub rows: Option<Count>,
    /// Its share of the total execution time of all statements.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub time_share: Option<Ratio>,
    /// The period the counters cover (file key `period_ms`).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "period_ms",
            default,
            with = "crate::serde_ms",
            skip_serializing_if = "no_duration"
        )
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>"))]
    pub period: Option<Duration>,
}

impl StatementStats {
    /// A statement with its text (or id) and no figures yet.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{EntityKind, EntityName, StatementStats};
    /// let s = StatementStats::new(EntityName::new(EntityKind::Statement, "q1")?);
    /// assert_eq!(s.calls, None);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn new(query: EntityName) -> StatementStats {
        StatementStats {
            query,
            calls: None,
            mean_time: None,
            max_time: None,
            rows: None,
            time_share: None,
            period: None,
        }
    }
}

impl Entity for StatementStats {
    const KIND: EntityKind = EntityKind::Statement;

    fn name(&self) -> &EntityName {
        &self.query
    }

    /// `1,107 calls in 1.0 min; mean 161 ms; slowest 900 ms; 62% of database time`.
    fn figures(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = self.calls {
            parts.push(format!(
                "{} calls{}",
                human_count(c.get()),
                period_text(self.period)
            ));
        }
        if let Some(m) = self.mean_time {
            parts.push(format!("mean {}", crate::Quantity::Duration(m)));
        }
        if let Some(m) = self.max_time {
            parts.push(format!("slowest {}", crate::Quantity::Duration(m)));
        }
        if let Some(r) = self.rows {
            parts.push(format!("{} rows", human_count(r.get())));
        }
        if let Some(t) = self.time_share {
            parts.push(format!("{t} of database time"));
        }
        parts.join("; ")
    }

    fn field(&self, field: EntityField) -> Option<f64> {
        let period = self.period.map(|p| p.as_secs_f64());
        match field {
            EntityField::Calls => count(self.calls),
            EntityField::MeanTime => self.mean_time.map(|d| d.as_secs_f64()),
            EntityField::MaxTime => self.max_time.map(|d| d.as_secs_f64()),
            EntityField::StatementRows => count(self.rows),
            EntityField::TimeShare => self.time_share.map(Ratio::as_fraction),
            EntityField::StatementPeriod => period,
            EntityField::CallRate => per(count(self.calls), period),
            EntityField::RowsPerCall => per(count(self.rows), count(self.calls)),
            _ => None,
        }
    }
}

/// One host's figures and what it runs.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{
///     Entity, EntityField, EntityKind, EntityName, HostRole, HostStats, units::Ratio,
/// };
/// let h = HostStats::new(EntityName::new(EntityKind::Host, "vm-1")?)
///     .with_role(HostRole::App)
///     .with_role(HostRole::Db)
///     .with_cpu(Ratio::from_percent(97.0)?);
/// assert_eq!(h.field(EntityField::Colocated), Some(1.0));
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(remote = "Self", deny_unknown_fields))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HostStats {
    /// The host's name.
    pub name: EntityName,
    /// What it runs; two roles or more declare a co-location.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "HostRoles::is_empty_ref")
    )]
    pub roles: HostRoles,
    /// CPU utilisation.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub cpu: Option<Ratio>,
    /// Memory utilisation.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub memory: Option<Ratio>,
    /// Share of CPU time waiting on disk I/O.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub io_wait: Option<Ratio>,
}

impl HostRoles {
    #[cfg(feature = "serde")]
    #[expect(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's skip_serializing_if passes a reference"
    )]
    fn is_empty_ref(&self) -> bool {
        self.is_empty()
    }
}

impl HostStats {
    /// A host with a name, no roles and no figures yet.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{EntityKind, EntityName, HostStats};
    /// let h = HostStats::new(EntityName::new(EntityKind::Host, "db-1")?);
    /// assert!(h.roles.is_empty());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn new(name: EntityName) -> HostStats {
        HostStats {
            name,
            roles: HostRoles::default(),
            cpu: None,
            memory: None,
            io_wait: None,
        }
    }

    /// Adds a role and returns the host.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{EntityKind, EntityName, HostRole, HostStats};
    /// let h = HostStats::new(EntityName::new(EntityKind::Host, "db-1")?).with_role(HostRole::Db);
    /// assert!(h.roles.contains(HostRole::Db));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn with_role(mut self, role: HostRole) -> HostStats {
        self.roles.insert(role);
        self
    }
}

impl Entity for HostStats {
    const KIND: EntityKind = EntityKind::Host;

    fn name(&self) -> &EntityName {
        &self.name
    }

    /// `runs app and db; CPU 97%; memory 60%`.
    fn figures(&self) -> String {
        let mut parts = Vec::new();
        if !self.roles.is_empty() {
            let roles: Vec<&str> = self.roles.iter().map(HostRole::name).collect();
            parts.push(format!("runs {}", roles.join(" and ")));
        }
        if let Some(c) = self.cpu {
            parts.push(format!("CPU {c}"));
        }
        if let Some(m) = self.memory {
            parts.push(format!("memory {m}"));
        }
        if let Some(w) = self.io_wait {
            parts.push(format!("I/O wait {w}"));
        }
        parts.join("; ")
    }

    fn field(&self, field: EntityField) -> Option<f64> {
        match field {
            EntityField::HostCpu => self.cpu.map(Ratio::as_fraction),
            EntityField::HostMemory => self.memory.map(Ratio::as_fraction),
            EntityField::HostIoWait => self.io_wait.map(Ratio::as_fraction),
            EntityField::RoleApp => Some(flag(self.roles.contains(HostRole::App))),
            EntityField::RoleDb => Some(flag(self.roles.contains(HostRole::Db))),
            EntityField::RoleCache => Some(flag(self.roles.contains(HostRole::Cache))),
            EntityField::Colocated => Some(flag(self.roles.is_colocation())),
            _ => None,
        }
    }
}

/// Generates the chained `with_*` setters of the entity structs.
macro_rules! entity_setters {
    ($ty:ident, $ctor:expr; $($setter:ident => $field:ident: $fty:ty = $example:expr),* $(,)?) => {
        impl $ty {
            $(
                #[doc = concat!("Sets [`", stringify!($ty), "::", stringify!($field), "`] and returns the entity.")]
                #[doc = ""]
                #[doc = "# Examples"]
                #[doc = "```"]
                #[doc = "use core::time::Duration;"]
                #[doc = "use scalability_advisor_core::{EntityKind, EntityName, HostStats, StatementStats, TableStats, units::*};"]
                #[doc = concat!("let value = ", stringify!($example), ";")]
                #[doc = concat!("let e = ", stringify!($ctor), ".", stringify!($setter), "(value);")]
                #[doc = concat!("assert_eq!(e.", stringify!($field), ", Some(value));")]
                #[doc = "# Ok::<(), scalability_advisor_core::Error>(())"]
                #[doc = "```"]
                #[must_use]
                pub fn $setter(mut self, value: $fty) -> Self {
                    self.$field = Some(value);
                    self
                }
            )*
        }
    };
}

entity_setters! {
    TableStats, TableStats::new(EntityName::table("t")?);
    with_rows => rows: Count = Count::new(500_000),
    with_size => size: Bytes = Bytes::from_gib(2.0)?,
    with_seq_scans => seq_scans: Count = Count::new(1_107),
    with_seq_rows_read => seq_rows_read: Count = Count::new(184_500_000),
    with_index_scans => index_scans: Count = Count::new(0),
    with_dead_rows => dead_rows: Count = Count::new(1_000),
    with_period => period: Duration = Duration::from_secs(60),
}

entity_setters! {
    StatementStats, StatementStats::new(EntityName::new(EntityKind::Statement, "q")?);
    with_calls => calls: Count = Count::new(1_107),
    with_mean_time => mean_time: Duration = Duration::from_millis(161),
    with_max_time => max_time: Duration = Duration::from_millis(900),
    with_rows => rows: Count = Count::new(1_107),
    with_time_share => time_share: Ratio = Ratio::from_percent(60.0)?,
    with_period => period: Duration = Duration::from_secs(60),
}

entity_setters! {
    HostStats, HostStats::new(EntityName::new(EntityKind::Host, "h")?);
    with_cpu => cpu: Ratio = Ratio::from_percent(97.0)?,
    with_memory => memory: Ratio = Ratio::from_percent(60.0)?,
    with_io_wait => io_wait: Ratio = Ratio::from_percent(5.0)?,
}

/// A list of entities of one kind: at most [`Entities::MAX`], each name once.
///
/// # Examples
/// ```
/// use scalability_advisor_core::{Entities, EntityName, TableStats};
/// let t = |n: &str| TableStats::new(EntityName::table(n).unwrap());
/// assert!(Entities::new(vec![t("a"), t("b")]).is_ok());
/// let err = Entities::new(vec![t("a"), t("a")]).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "table `a` appears twice (entries 1 and 2); \
///      give each table once, merging or summing its figures"
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Entities<T>(Vec<T>);

impl<T> Default for Entities<T> {
    fn default() -> Self {
        Entities(Vec::new())
    }
}

impl<T: Entity> Entities<T> {
    /// Most entries a list may hold (a collector keeps the heaviest).
    pub const MAX: usize = 10_000;

    /// Validates a list: at most [`Entities::MAX`] entries, no name twice (checked in
    /// O(n log n)).
    ///
    /// # Errors
    /// [`Error::TooManyEntities`], [`Error::DuplicateEntity`].
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Entities, TableStats};
    /// let empty: Entities<TableStats> = Entities::new(Vec::new())?;
    /// assert!(empty.is_empty());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn new(items: Vec<T>) -> Result<Entities<T>, Error> {
        if items.len() > Self::MAX {
            return Err(Error::TooManyEntities {
                kind: T::KIND.name(),
                max: Self::MAX,
                got: items.len(),
            });
        }
        let mut order: Vec<usize> = (0..items.len()).collect();
        order.sort_by(|&a, &b| items[a].name().cmp(items[b].name()).then(a.cmp(&b)));
        for w in order.windows(2) {
            if let [a, b] = *w
                && items[a].name() == items[b].name()
            {
                return Err(Error::DuplicateEntity {
                    kind: T::KIND.name(),
                    name: items[a].name().as_str().to_owned(),
                    first: a + 1,
                    second: b + 1,
                });
            }
        }
        Ok(Entities(items))
    }

    /// The entries, in the order given.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Entities, EntityName, TableStats};
    /// let list = Entities::new(vec![TableStats::new(EntityName::table("a")?)])?;
    /// assert_eq!(list.as_slice()[0].name.as_str(), "a");
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// Iterates over the entries.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Entities, TableStats};
    /// let list: Entities<TableStats> = Entities::default();
    /// assert_eq!(list.iter().count(), 0);
    /// ```
    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// How many entries.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Entities, TableStats};
    /// assert_eq!(Entities::<TableStats>::default().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the list is empty (collected, and there were none).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Entities, TableStats};
    /// assert!(Entities::<TableStats>::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entry named `name`, if any (a linear search).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Entities, EntityName, TableStats};
    /// let list = Entities::new(vec![TableStats::new(EntityName::table("a")?)])?;
    /// assert!(list.find("a").is_some());
    /// assert!(list.find("b").is_none());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn find(&self, name: &str) -> Option<&T> {
        self.0.iter().find(|e| e.name().as_str() == name)
    }
}

impl<'a, T> IntoIterator for &'a Entities<T> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(feature = "serde")]
impl<'de, T: Entity + serde::Deserialize<'de>> serde::Deserialize<'de> for Entities<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(core::marker::PhantomData<T>);
        impl<'de, T: Entity + serde::Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = Entities<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a list of {} entries", T::KIND.name())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Entities<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<T>()? {
                    if items.len() == Entities::<T>::MAX {
                        // Refuse before holding more than the limit in memory.
                        return Err(serde::de::Error::custom(Error::TooManyEntities {
                            kind: T::KIND.name(),
                            max: Entities::<T>::MAX,
                            got: Entities::<T>::MAX + 1,
                        }));
                    }
                    items.push(item);
                }
                Entities::new(items).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_seq(V(core::marker::PhantomData))
    }
}

#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema + Entity> schemars::JsonSchema for Entities<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}List", T::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let item = generator.subschema_for::<T>();
        schemars::json_schema!({
            "type": "array",
            "items": item,
            "maxItems": Entities::<T>::MAX,
            "description": format!("{}; each name once", T::KIND.list_name())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_slots_fit_and_are_unique_per_kind() {
        for kind in EntityKind::ALL {
            let mut slots: Vec<usize> = kind.fields().map(EntityField::slot).collect();
            assert!(
                slots.iter().all(|s| *s < EntityField::MAX_PER_KIND),
                "{kind}"
            );
            let n = slots.len();
            slots.sort_unstable();
            slots.dedup();
            assert_eq!(slots.len(), n, "{kind}");
            for f in kind.fields() {
                assert_eq!(EntityField::from_name(kind, f.name()), Some(f));
            }
        }
    }

    #[test]
    fn derived_fields_follow_their_formulas() {
        // Hand calculation: the trial's `events` table, 1,107 scans reading 184.5M rows in 60 s.
        let t = TableStats::new(EntityName::table("events").unwrap())
            .with_seq_scans(Count::new(1_107))
            .with_seq_rows_read(Count::new(184_500_000))
            .with_period(Duration::from_secs(60));
        assert_eq!(t.field(EntityField::SeqRowsReadRate), Some(3_075_000.0));
        assert_eq!(t.field(EntityField::SeqScanRate), Some(18.45));
        // No period, no rate; a zero period is not divided by.
        assert_eq!(
            TableStats::new(t.name.clone()).field(EntityField::SeqScanRate),
            None
        );
        let zero = t.clone().with_period(Duration::ZERO);
        assert_eq!(zero.field(EntityField::SeqScanRate), None);
        // A field of another kind is unknown.
        assert_eq!(t.field(EntityField::Calls), None);
        let s = StatementStats::new(EntityName::new(EntityKind::Statement, "q").unwrap())
            .with_rows(Count::new(30))
            .with_calls(Count::new(0));
        assert_eq!(s.field(EntityField::RowsPerCall), None);
    }

    #[test]
    fn limits_are_enforced() {
        let long = "x".repeat(EntityName::MAX_BYTES + 1);
        assert!(matches!(
            EntityName::table(long),
            Err(Error::EntityName {
                kind: "table",
                got: 4097,
                ..
            })
        ));
        let many: Vec<TableStats> = (0..=Entities::<TableStats>::MAX)
            .map(|i| TableStats::new(EntityName::table(format!("t{i}")).unwrap()))
            .collect();
        assert!(matches!(
            Entities::new(many),
            Err(Error::TooManyEntities { got: 10_001, .. })
        ));
    }

    #[test]
    fn duplicates_name_both_entries() {
        let t = |n: &str| TableStats::new(EntityName::table(n).unwrap());
        let err = Entities::new(vec![t("b"), t("a"), t("c"), t("a")]).unwrap_err();
        assert_eq!(
            err,
            Error::DuplicateEntity {
                kind: "table",
                name: "a".into(),
                first: 2,
                second: 4
            }
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn lists_read_from_json_with_their_checks() {
        let ok: Entities<HostStats> = serde_json::from_str(
            r#"[{"name": "vm-1", "roles": ["app", "db", "db"], "cpu": 0.97}]"#,
        )
        .unwrap();
        assert!(ok.as_slice()[0].roles.is_colocation());
        let dup = serde_json::from_str::<Entities<HostStats>>(r#"[{"name": "a"}, {"name": "a"}]"#)
            .unwrap_err();
        assert!(dup.to_string().contains("host `a` appears twice"), "{dup}");
        let empty_name =
            serde_json::from_str::<Entities<TableStats>>(r#"[{"name": ""}]"#).unwrap_err();
        assert!(
            empty_name.to_string().contains("1 to 4096 bytes"),
            "{empty_name}"
        );
        let unknown =
            serde_json::from_str::<Entities<TableStats>>(r#"[{"name": "a", "seq_scan": 3}]"#)
                .unwrap_err();
        assert!(unknown.to_string().contains("seq_scans"), "{unknown}");
        let bad_share = serde_json::from_str::<Entities<StatementStats>>(
            r#"[{"query": "q", "time_share": 1.5}]"#,
        )
        .unwrap_err();
        assert!(bad_share.to_string().contains("0..=1"), "{bad_share}");
    }
}

#[cfg(feature = "serde")]
map_only!(
    TableStats,
    "a table's statistics: a table of field names and values"
);

#[cfg(feature = "serde")]
map_only!(
    StatementStats,
    "a statement's statistics: a table of field names and values"
);

#[cfg(feature = "serde")]
map_only!(
    HostStats,
    "a host's figures: a table of field names and values"
);
