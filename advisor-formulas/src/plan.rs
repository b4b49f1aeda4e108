//! Capacity plans: required capacity, instances, connection pools, read replicas and cache
//! memory for a growth target, with every figure explained, scenarios for 10x-1000x, and
//! P10/P50/P90 under uncertain inputs.

use core::fmt;
use core::num::NonZeroU32;
use std::borrow::Cow;

use rand::SeedableRng;
use rand_distr::{Distribution, Pert};
use scalability_advisor_core::sizing::{
    DEFAULT_HOT_FRACTION, REDIS_MEMORY_MULTIPLIER, SSD_EFFECTIVE_SPINDLES, cache_memory,
    connection_pool_size, read_replicas, required_capacity, working_set,
};
use scalability_advisor_core::units::{
    Bytes, Connections, Factor, QueriesPerRequest, Rate, Ratio, Users,
};
use scalability_advisor_core::{Component, ComponentSet, CostRow, Stage};

use crate::error::Error;

/// A quantity that can be an uncertain plan input.
pub trait Sampleable: Copy + PartialOrd + fmt::Debug {
    /// The value as a float in its canonical unit.
    fn to_f64(self) -> f64;
    /// Builds the value back from a float (used for sampled draws).
    ///
    /// # Errors
    /// The type's validation error.
    fn from_f64(value: f64) -> Result<Self, Error>;
}

macro_rules! sampleable {
    ($ty:ty, $to:expr, $from:expr) => {
        impl Sampleable for $ty {
            fn to_f64(self) -> f64 {
                let to: fn($ty) -> f64 = $to;
                to(self)
            }
            fn from_f64(value: f64) -> Result<Self, Error> {
                let from: fn(f64) -> Result<$ty, scalability_advisor_core::Error> = $from;
                Ok(from(value)?)
            }
        }
    };
}

sampleable!(Rate, Rate::as_per_second, Rate::from_per_second);
sampleable!(Factor, Factor::as_f64, Factor::new);
sampleable!(Ratio, Ratio::as_fraction, Ratio::from_fraction);
sampleable!(
    QueriesPerRequest,
    QueriesPerRequest::as_f64,
    QueriesPerRequest::new
);
sampleable!(
    Bytes,
    |b| scalability_advisor_core::units::Bytes::as_gib_f64(b) * 1_073_741_824.0,
    |v| { Bytes::from_gib(v / 1_073_741_824.0) }
);

/// A plan input: a known value, or a range with a most likely value.
///
/// Ranges are sampled from a PERT distribution (a Beta distribution on `low..=high` with mode
/// `likely` and shape 4), the usual choice for expert three-point estimates.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{Estimate, scalability_advisor_core::units::Factor};
/// let growth = Estimate::range(Factor::new(2.0)?, Factor::new(3.0)?, Factor::new(5.0)?)?;
/// assert_eq!(growth.likely(), Factor::new(3.0)?);
/// assert!(
///     Estimate::range(Factor::new(5.0)?, Factor::new(3.0)?, Factor::new(4.0)?).is_err()
/// );
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// D. G. Malcolm, J. H. Roseboom, C. E. Clark and W. Fazar, "Application of a Technique for
/// Research and Development Program Evaluation", Operations Research 7(5), 646-669, 1959.
///
/// Read from a file (feature `serde`) as a plain value or as `{ low, likely, high }`; a wrong
/// value is reported with its own error (`rate must be at least 0, got -5`), and a range whose
/// ends are out of order is refused as [`Estimate::range`] refuses it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Estimate<T> {
    /// A known value.
    Point(T),
    /// A three-point estimate.
    Range {
        /// Lowest plausible value.
        low: T,
        /// Most likely value.
        likely: T,
        /// Highest plausible value.
        high: T,
    },
}

#[cfg(feature = "serde")]
impl<'de, T> serde::Deserialize<'de> for Estimate<T>
where
    T: serde::Deserialize<'de> + Sampleable,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, IntoDeserializer, MapAccess, Visitor};
        struct EstimateVisitor<T>(core::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de> + Sampleable> EstimateVisitor<T> {
            fn point<E: de::Error>(
                d: impl de::Deserializer<'de, Error = E>,
            ) -> Result<Estimate<T>, E> {
                T::deserialize(d).map(Estimate::Point)
            }
        }
        impl<'de, T: serde::Deserialize<'de> + Sampleable> Visitor<'de> for EstimateVisitor<T> {
            type Value = Estimate<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value, or a range { low, likely, high }")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Estimate<T>, E> {
                Self::point(v.into_deserializer())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Estimate<T>, E> {
                Self::point(v.into_deserializer())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Estimate<T>, E> {
                Self::point(v.into_deserializer())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Estimate<T>, E> {
                Self::point(v.into_deserializer())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Estimate<T>, A::Error> {
                let (mut low, mut likely, mut high) = (None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        "low" => &mut low,
                        "likely" => &mut likely,
                        "high" => &mut high,
                        other => {
                            return Err(de::Error::unknown_field(
                                other,
                                &["low", "likely", "high"],
                            ));
                        }
                    };
                    *slot = Some(map.next_value::<T>()?);
                }
                let (Some(low), Some(likely), Some(high)) = (low, likely, high) else {
                    return Err(de::Error::custom(
                        "a range needs all of `low`, `likely` and `high`",
                    ));
                };
                Estimate::range(low, likely, high).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(EstimateVisitor(core::marker::PhantomData))
    }
}

impl<T: Sampleable> Estimate<T> {
    /// Builds a range estimate.
    ///
    /// # Errors
    /// [`Error::UnorderedRange`] unless `low <= likely <= high`.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Estimate;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Factor;
    /// let growth = Estimate::range(Factor::new(2.0)?, Factor::new(3.0)?, Factor::new(5.0)?)?;
    /// assert!(growth.is_uncertain());
    /// // Out of order is refused.
    /// assert!(
    ///     Estimate::range(Factor::new(3.0)?, Factor::new(2.0)?, Factor::new(5.0)?).is_err()
    /// );
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    pub fn range(low: T, likely: T, high: T) -> Result<Self, Error> {
        if !(low <= likely && likely <= high) {
            return Err(Error::UnorderedRange {
                what: "estimate",
                low: low.to_f64(),
                likely: likely.to_f64(),
                high: high.to_f64(),
            });
        }
        Ok(Estimate::Range { low, likely, high })
    }

    /// The most likely value (the point for a known value).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Estimate;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Factor;
    /// let growth = Estimate::range(Factor::new(2.0)?, Factor::new(3.0)?, Factor::new(5.0)?)?;
    /// assert_eq!(growth.likely().as_f64(), 3.0);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn likely(&self) -> T {
        match *self {
            Estimate::Point(v) | Estimate::Range { likely: v, .. } => v,
        }
    }

    /// Whether the estimate is a range with some spread.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::Estimate;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Factor;
    /// assert!(!Estimate::Point(Factor::new(3.0)?).is_uncertain());
    /// assert!(
    ///     !Estimate::range(Factor::new(3.0)?, Factor::new(3.0)?, Factor::new(3.0)?)?
    ///         .is_uncertain()
    /// );
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn is_uncertain(&self) -> bool {
        matches!(self, Estimate::Range { low, high, .. } if low < high)
    }

    fn validate(&self, what: &'static str) -> Result<(), Error> {
        if let Estimate::Range { low, likely, high } = *self
            && !(low <= likely && likely <= high)
        {
            return Err(Error::UnorderedRange {
                what,
                low: low.to_f64(),
                likely: likely.to_f64(),
                high: high.to_f64(),
            });
        }
        Ok(())
    }

    fn sampler(&self) -> Sampler {
        match *self {
            // PERT refuses an empty range (low = high); that estimate is certain anyway.
            Estimate::Range { low, likely, high } => {
                match Pert::new(low.to_f64(), high.to_f64()).with_mode(likely.to_f64()) {
                    Ok(p) => Sampler::Pert(p),
                    Err(_) => Sampler::Fixed(likely.to_f64()),
                }
            }
            Estimate::Point(v) => Sampler::Fixed(v.to_f64()),
        }
    }
}

impl<T> From<T> for Estimate<T> {
    fn from(v: T) -> Self {
        Estimate::Point(v)
    }
}

enum Sampler {
    Fixed(f64),
    Pert(Pert<f64>),
}

impl Sampler {
    fn draw<R: rand::Rng>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Pert(p) => p.sample(rng),
        }
    }
}

/// The database part of a plan's inputs.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{
///     DatabaseInputs,
///     scalability_advisor_core::units::{QueriesPerRequest, Rate, Ratio},
/// };
/// let db = DatabaseInputs::new(
///     8,
///     QueriesPerRequest::new(2.0)?.into(),
///     Ratio::from_percent(90.0)?.into(),
///     Rate::from_per_second(3_000.0)?.into(),
/// );
/// assert_eq!(db.effective_spindles, 1);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DatabaseInputs {
    /// CPU cores per database host.
    pub cores: u32,
    /// Effective spindles per host (1 for an SSD, the default).
    pub effective_spindles: u32,
    /// The database's `max_connections`, if known.
    pub max_connections: Option<u32>,
    /// Mean queries per request.
    pub queries_per_request: Estimate<QueriesPerRequest>,
    /// Share of queries that are reads.
    pub read_share: Estimate<Ratio>,
    /// Reads per second one replica sustains.
    pub per_replica_reads: Estimate<Rate>,
    /// The share of reads a cache in front of the database answers (a cache-aside cache's
    /// hit rate); `None` (the default) sizes the replicas for every read reaching the
    /// database. Only the misses reach it: the replicas are sized for
    /// `reads × (1 − hit rate)`.
    #[cfg_attr(feature = "serde", serde(default))]
    pub cache_hit_rate: Option<Estimate<Ratio>>,
    /// The most read replicas one primary can feed in practice (default
    /// [`PRACTICAL_READ_REPLICAS`]); a plan that needs more says to cache or shard instead.
    pub max_read_replicas: u32,
    /// Writes per second one primary sustains (a snapshot's `primary_write_capacity`:
    /// measured by a load test, or the storage's sustained write rate); `None` (the
    /// default) counts the writes without comparing them with anything. Given, the plan
    /// sizes the shards ([`DatabasePlan::shards`]).
    #[cfg_attr(feature = "serde", serde(default))]
    pub primary_write_capacity: Option<Estimate<Rate>>,
    /// The share of [`DatabaseInputs::primary_write_capacity`] a primary is planned to
    /// carry, past which the plan shards the data (default [`PRIMARY_WRITE_LEVEL`], 80%,
    /// the default rule pack's `$primary_write_level`, its reading of the guide's "write
    /// traffic overwhelming single primary"). More than 0.
    #[cfg_attr(feature = "serde", serde(default = "default_primary_write_level"))]
    pub primary_write_level: Ratio,
}

/// The share of a primary's write capacity a plan lets its writes reach before it shards
/// the data: 80%, as the default rule pack's `$primary_write_level`, past which the advice
/// reads the guide's stage-3 trigger, "write traffic overwhelming single primary". The 20%
/// left free is the headroom capacity planning keeps for bursts (J. Allspaw, *The Art of
/// Capacity Planning*, O'Reilly, 2008, chapter 3, "ceilings").
///
/// # Examples
/// 4,500 req/s × 2 queries × (1 − 90% reads) = 900 writes/s; a primary that sustains 1,000
/// carries 800 at this level: ⌈900 / 800⌉ = 2 shards.
/// ```
/// use scalability_advisor_formulas::{
///     DatabaseInputs, PRIMARY_WRITE_LEVEL, PlanInputs, plan,
///     scalability_advisor_core::units::{Factor, QueriesPerRequest, Rate, Ratio},
/// };
/// let mut inputs = PlanInputs::new(
///     Rate::from_per_second(1_000.0)?.into(),
///     Rate::from_per_second(400.0)?.into(),
/// );
/// inputs.growth = Factor::new(3.0)?.into();
/// let mut db = DatabaseInputs::new(
///     8,
///     QueriesPerRequest::new(2.0)?.into(),
///     Ratio::from_percent(90.0)?.into(),
///     Rate::from_per_second(3_000.0)?.into(),
/// );
/// assert_eq!(db.primary_write_level, PRIMARY_WRITE_LEVEL);
/// db.primary_write_capacity = Some(Rate::from_per_second(1_000.0)?.into());
/// inputs.database = Some(db);
/// let d = plan(&inputs)?.database.unwrap();
/// assert!((d.writes.value.as_per_second() - 900.0).abs() < 1e-9);
/// assert_eq!(d.shards.unwrap().value.get(), 2);
/// assert!(d.writes_beyond_primary);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
pub const PRIMARY_WRITE_LEVEL: Ratio = Ratio::from_fraction_const(0.8);

#[cfg(feature = "serde")]
fn default_primary_write_level() -> Ratio {
    PRIMARY_WRITE_LEVEL
}

/// Read replicas one primary feeds in practice: 15.
///
/// Every replica replays the primary's whole write stream, so adding replicas scales reads
/// but not writes, and each one adds load on the primary. Managed databases cap the count:
/// Amazon RDS allows up to 15 read replicas per source instance for MySQL, MariaDB and
/// PostgreSQL (fewer for Oracle, SQL Server and Db2). Past this many, the reads need a cache
/// in front or the data needs sharding.
///
/// # References
/// Amazon Web Services, *Amazon RDS API Reference*, `CreateDBInstanceReadReplica`,
/// parameter `SourceDBInstanceIdentifier` ("each DB instance can have up to 15 read
/// replicas").
pub const PRACTICAL_READ_REPLICAS: u32 = 15;

impl DatabaseInputs {
    /// Database inputs with an SSD and no known connection limit.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::DatabaseInputs;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::{
    ///     QueriesPerRequest, Rate, Ratio,
    /// };
    /// let db = DatabaseInputs::new(
    ///     8,
    ///     QueriesPerRequest::new(3.0)?.into(),
    ///     Ratio::from_percent(80.0)?.into(),
    ///     Rate::from_per_second(3_000.0)?.into(),
    /// );
    /// assert_eq!(db.effective_spindles, 1); // an SSD
    /// assert_eq!(db.max_read_replicas, 15);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn new(
        cores: u32,
        queries_per_request: Estimate<QueriesPerRequest>,
        read_share: Estimate<Ratio>,
        per_replica_reads: Estimate<Rate>,
    ) -> Self {
        DatabaseInputs {
            cores,
            effective_spindles: SSD_EFFECTIVE_SPINDLES,
            max_connections: None,
            queries_per_request,
            read_share,
            per_replica_reads,
            cache_hit_rate: None,
            max_read_replicas: PRACTICAL_READ_REPLICAS,
            primary_write_capacity: None,
            primary_write_level: PRIMARY_WRITE_LEVEL,
        }
    }
}

/// The cache part of a plan's inputs.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{
///     CacheInputs, scalability_advisor_core::units::Bytes,
/// };
/// let c = CacheInputs::new(Bytes::from_gib(50.0)?.into());
/// assert_eq!(c.multiplier.as_f64(), 1.5);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CacheInputs {
    /// Total data at the planning horizon.
    pub data_size: Estimate<Bytes>,
    /// Hot share of the data (default 20%, the high end of the guide's 10-20%).
    pub hot_fraction: Estimate<Ratio>,
    /// Memory multiplier for the cache's data structures (default 1.5, Redis).
    pub multiplier: Factor,
}

impl CacheInputs {
    /// Cache inputs with the default hot fraction and the Redis multiplier.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::CacheInputs;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Bytes;
    /// let c = CacheInputs::new(Bytes::from_gib(100.0)?.into());
    /// assert_eq!(c.hot_fraction.likely().as_percent(), 20.0); // the high end of the guide's 10-20%
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn new(data_size: Estimate<Bytes>) -> Self {
        CacheInputs {
            data_size,
            hot_fraction: Estimate::Point(DEFAULT_HOT_FRACTION),
            multiplier: REDIS_MEMORY_MULTIPLIER,
        }
    }
}

/// Everything a capacity plan starts from; the constructor takes what has no sensible
/// default, the public fields hold the rest.
///
/// # Examples
/// See [`plan`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PlanInputs {
    /// Current peak traffic.
    pub peak: Estimate<Rate>,
    /// Growth factor over the planning horizon (1x by default; see
    /// [`crate::GrowthRate::factor_over`] to convert a monthly rate).
    pub growth: Estimate<Factor>,
    /// Safety margin (1.5x by default, the guide's example).
    pub safety_margin: Estimate<Factor>,
    /// Traffic one application instance serves.
    pub per_instance: Estimate<Rate>,
    /// Database inputs, if the plan should size the database.
    pub database: Option<DatabaseInputs>,
    /// Cache inputs, if the plan should size the cache.
    pub cache: Option<CacheInputs>,
    /// Current users, if the plan should place the target in a stage.
    pub users: Option<Users>,
    /// Components already in place.
    pub architecture: ComponentSet,
}

impl PlanInputs {
    /// Inputs with 1x growth, a 1.5x margin and nothing else sized.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_formulas::PlanInputs;
    /// use scalability_advisor_formulas::scalability_advisor_core::units::Rate;
    /// let inputs = PlanInputs::new(
    ///     Rate::from_per_second(1_000.0)?.into(),
    ///     Rate::from_per_second(400.0)?.into(),
    /// );
    /// assert_eq!(inputs.safety_margin.likely().as_f64(), 1.5); // the guide's margin
    /// assert_eq!(inputs.growth.likely().as_f64(), 1.0);
    /// # Ok::<(), scalability_advisor_formulas::Error>(())
    /// ```
    #[must_use]
    pub fn new(peak: Estimate<Rate>, per_instance: Estimate<Rate>) -> Self {
        PlanInputs {
            peak,
            growth: Estimate::Point(Factor::ONE),
            safety_margin: Estimate::Point(Factor::new_const(1.5)),
            per_instance,
            database: None,
            cache: None,
            users: None,
            architecture: ComponentSet::EMPTY,
        }
    }

    fn validate(&self) -> Result<(), Error> {
        self.peak.validate("peak")?;
        self.growth.validate("growth")?;
        self.safety_margin.validate("safety margin")?;
        self.per_instance.validate("per-instance capacity")?;
        if let Some(db) = &self.database {
            db.queries_per_request.validate("queries per request")?;
            db.read_share.validate("read share")?;
            db.per_replica_reads.validate("per-replica reads")?;
            if let Some(h) = &db.cache_hit_rate {
                h.validate("cache hit rate")?;
            }
            if let Some(w) = &db.primary_write_capacity {
                w.validate("primary write capacity")?;
                let lowest = match *w {
                    Estimate::Point(v) | Estimate::Range { low: v, .. } => v.as_per_second(),
                };
                if lowest <= 0.0 {
                    return Err(Error::OutOfRange {
                        what: "primary write capacity",
                        value: lowest,
                        min: f64::MIN_POSITIVE,
                        max: f64::MAX,
                    });
                }
            }
            if db.primary_write_level.as_fraction() <= 0.0 {
                return Err(Error::OutOfRange {
                    what: "primary write level",
                    value: db.primary_write_level.as_fraction(),
                    min: f64::MIN_POSITIVE,
                    max: 1.0,
                });
            }
        }
        if let Some(c) = &self.cache {
            c.data_size.validate("data size")?;
            c.hot_fraction.validate("hot fraction")?;
        }
        Ok(())
    }
}

/// A planned number with the formula and inputs that produced it.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{
///     PlanInputs, plan,
///     scalability_advisor_core::units::{Factor, Rate},
/// };
/// let mut inputs = PlanInputs::new(
///     Rate::from_per_second(1_000.0)?.into(),
///     Rate::from_per_second(500.0)?.into(),
/// );
/// inputs.growth = Factor::new(3.0)?.into();
/// let p = plan(&inputs)?;
/// assert_eq!(
///     p.required_capacity.to_string(),
///     "4500/s = peak × growth × margin (peak = 1000/s, growth = 3x, margin = 1.5x)"
/// );
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Figure<T> {
    /// The number.
    pub value: T,
    /// The formula, in words.
    pub formula: Cow<'static, str>,
    /// Each input's name and value with its unit.
    pub inputs: Vec<(Cow<'static, str>, String)>,
}

impl<T: fmt::Display> fmt::Display for Figure<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.value, self.formula)?;
        for (i, (name, value)) in self.inputs.iter().enumerate() {
            f.write_str(if i == 0 { " (" } else { ", " })?;
            write!(f, "{name} = {value}")?;
        }
        if !self.inputs.is_empty() {
            f.write_str(")")?;
        }
        Ok(())
    }
}

fn figure<T>(value: T, formula: &'static str, inputs: Vec<(&'static str, String)>) -> Figure<T> {
    Figure {
        value,
        formula: Cow::Borrowed(formula),
        inputs: inputs
            .into_iter()
            .map(|(name, value)| (Cow::Borrowed(name), value))
            .collect(),
    }
}

/// The database part of a plan.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DatabasePlan {
    /// Database reads per second at the target.
    pub reads: Figure<Rate>,
    /// Read replicas.
    pub read_replicas: Figure<NonZeroU32>,
    /// Active connections one database host (the primary, and each replica) runs well: the
    /// guide's pool formula, `cores × 2 + effective spindles`, which sizes the connections
    /// at the database, not at each application instance.
    pub connections_per_host: Figure<Connections>,
    /// Each application instance's pool to one database host when the instances connect
    /// directly: the host's budget ([`DatabasePlan::connections_per_host`], or
    /// `max_connections` when lower) shared among the instances, rounded down, at least one.
    pub pool_per_instance: Figure<Connections>,
    /// Connections the instances open to one database host together, when they connect
    /// directly.
    pub total_connections: Figure<u64>,
    /// The database's limit, if given.
    pub max_connections: Option<u32>,
    /// Whether the instances outnumber the host's budget, so that even one connection each
    /// is too many: put a pooler such as PgBouncer (transaction pooling) in front of each
    /// host, holding the budget's connections to the database and any number of the
    /// instances'.
    pub pooler_needed: bool,
    /// Whether several instances connect directly with one connection each (`n = 1`, the
    /// budget less than twice the instances) while not outnumbering the budget: each
    /// instance's queries then run one at a time, every query waiting for the one in
    /// flight, and a connection lost stalls the instance. A pooler such as PgBouncer in
    /// front of each host lets every instance keep a pool for its own concurrency while the
    /// host holds its budget. Never set with [`DatabasePlan::pooler_needed`].
    pub one_connection_each: bool,
    /// The most read replicas one primary can feed ([`DatabaseInputs::max_read_replicas`]).
    pub replica_limit: u32,
    /// Whether the plan needs more replicas than that for one primary (for each shard's,
    /// when [`DatabasePlan::replicas_per_shard`] is given): replicas alone will not carry
    /// the reads; cache the hot reads or shard the data.
    pub replicas_beyond_limit: bool,
    /// Database writes per second at the target, all of them on the primary: read replicas
    /// replay them, and a cache-aside cache takes reads only.
    pub writes: Figure<Rate>,
    /// Shards that keep each primary's writes under its planned share of its capacity,
    /// when [`DatabaseInputs::primary_write_capacity`] is given ([`crate::shards_needed`]
    /// with the headroom `1 − primary_write_level`); 1 means the primary alone carries
    /// them.
    pub shards: Option<Figure<NonZeroU32>>,
    /// Whether the writes need more than one primary ([`DatabasePlan::shards`] above 1):
    /// the guide's trigger for stage 3, whose architecture shards the data; neither
    /// replicas nor a cache relieve writes.
    pub writes_beyond_primary: bool,
    /// When the writes call for more than one shard: the read replicas each shard's primary
    /// feeds, for its share of the reads (`⌈reads / (shards × per-replica reads)⌉`; keys
    /// spread by hash share the reads evenly, the guide's "even distribution"). The limit
    /// of [`DatabasePlan::replica_limit`] applies to this count then, since each shard's
    /// primary feeds only its own replicas.
    pub replicas_per_shard: Option<Figure<NonZeroU32>>,
}

/// The cache part of a plan.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CachePlan {
    /// Working set.
    pub working_set: Figure<Bytes>,
    /// Cache memory.
    pub memory: Figure<Bytes>,
}

/// Where the planned size lands among the growth stages.
///
/// The stage is the later of two readings: the stage of the users at the target (when
/// current users were given), and the stage the sized architecture itself implies: more than
/// one application instance needs a load balancer (stage 2); more read replicas than one
/// primary feeds needs sharding or a cache in front (stage 3).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StagePlan {
    /// Users at the target (current users × growth), when users were given.
    pub users: Option<Users>,
    /// The stage of those users.
    pub stage_by_users: Option<Stage>,
    /// The stage the planned load implies (instances, replicas).
    pub stage_by_load: Stage,
    /// The later of the two: the stage to plan for.
    pub stage: Stage,
    /// The stage's row of the cost-at-scale table.
    pub cost: CostRow,
    /// Components of the stage's cumulative architecture
    /// ([`Stage::cumulative_architecture`]) that the system lacks; a single server is never
    /// listed as missing.
    pub missing_components: ComponentSet,
}

/// A capacity plan for one growth factor.
///
/// # Examples
/// See [`plan`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Plan {
    /// The growth factor planned for.
    pub growth: Factor,
    /// Capacity to provision.
    pub required_capacity: Figure<Rate>,
    /// Application instances (whole: the need rounded up, at least one).
    pub app_instances: Figure<NonZeroU32>,
    /// The instance need before rounding up (capacity over per-instance capacity).
    pub instance_need: Figure<f64>,
    /// Database sizing, when database inputs were given.
    pub database: Option<DatabasePlan>,
    /// Cache sizing, when cache inputs were given.
    pub cache: Option<CachePlan>,
    /// The stage the plan lands in, its cost and what of its architecture is missing.
    pub stage: StagePlan,
}

/// Plans for the inputs' most likely values.
///
/// # Formula
/// ```text
/// C = P · g · m                    I = max(1, ⌈C / c_i⌉)
/// r = C · q · s · (1 − h_c)        R = max(1, ⌈r / c_r⌉)
/// N = 2 · cores + spindles         B = min(N, max_connections)
/// n = max(1, ⌊B / I⌋)              T = I · n          pooler needed ⇔ I > B
/// one connection each ⇔ 1 < I ≤ B and n = 1
/// W = ⌈D · h⌉                      M = ⌈W · k⌉
/// ```
/// P: peak (req/s); g: growth; m: margin; C: capacity; c_i: per-instance capacity; I:
/// instances; q: queries per request; s: read share; h_c: the hit rate of a cache in front
/// of the database ([`DatabaseInputs::cache_hit_rate`], 0 when not given); r: reads/s
/// reaching the database; c_r: per-replica reads; R: replicas; N: active connections per
/// database host; B: the host's budget; n: pool per instance; T: connections the instances
/// open to a host; D: data; h: hot fraction; W: working set; k: memory multiplier; M: cache
/// memory. Each instance serves an equal share; the replicas take every read that reaches
/// the database (a cache-aside cache answers its hits and sends only its misses on: Amazon
/// Web Services, *Database Caching Strategies Using Redis*, 2017, "Cache-Aside (Lazy
/// Loading)"; the guide's replica formula divides the read traffic the replicas serve).
///
/// The guide gives its pool formula "per instance". We read the instance as the database's:
/// the formula comes from the PostgreSQL wiki, where it is the number of *active*
/// connections at which a database server does its best work, and the cores and spindles
/// in it are the database host's. Application instances therefore share those connections
/// (`n`), and once they outnumber them no direct pool is small enough: a pooler holds the
/// `B` connections to the database and multiplexes the instances' onto them.
///
/// # Errors
/// [`Error::UnorderedRange`] for a badly ordered estimate; [`Error::Core`] when a formula's
/// input is out of its domain (zero per-instance or per-replica capacity, zero cores) or a
/// result overflows.
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{
///     DatabaseInputs, PlanInputs, plan,
///     scalability_advisor_core::units::{Factor, QueriesPerRequest, Rate, Ratio},
/// };
/// let mut inputs = PlanInputs::new(
///     Rate::from_per_second(1_000.0)?.into(),
///     Rate::from_per_second(400.0)?.into(),
/// );
/// inputs.growth = Factor::new(3.0)?.into();
/// let mut db = DatabaseInputs::new(
///     8,
///     QueriesPerRequest::new(2.0)?.into(),
///     Ratio::from_percent(90.0)?.into(),
///     Rate::from_per_second(3_000.0)?.into(),
/// );
/// db.max_connections = Some(100);
/// inputs.database = Some(db);
/// let p = plan(&inputs)?;
/// assert_eq!(p.required_capacity.value.as_per_second(), 4_500.0); // the guide's example
/// assert_eq!(p.app_instances.value.get(), 12); // ⌈4,500 / 400⌉
/// assert_eq!(p.instance_need.value, 11.25); // before rounding up
/// let d = p.database.unwrap();
/// assert_eq!(d.read_replicas.value.get(), 3); // ⌈4,500 · 2 · 0.9 / 3,000⌉
/// assert_eq!(d.connections_per_host.value.get(), 17); // 8 · 2 + 1, the guide's example
/// assert_eq!(d.pool_per_instance.value.get(), 1); // ⌊17 / 12⌋
/// assert_eq!(d.total_connections.value, 12);
/// assert!(!d.pooler_needed); // 12 instances ≤ 17 connections
/// assert!(d.one_connection_each); // but one each: a pooler would let them keep pools
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
///
/// # References
/// The guide, "Scaling Calculations" (every formula above; the instance count is the capacity
/// formula divided by per-instance capacity). PostgreSQL wiki, "Number Of Database
/// Connections" (the connection formula counts active connections at the database server);
/// B. Wooldridge, HikariCP wiki, "About Pool Sizing" (a small pool at the database, with
/// requests queueing for it, outperforms a large one).
pub fn plan(inputs: &PlanInputs) -> Result<Plan, Error> {
    inputs.validate()?;
    plan_with_growth(inputs, inputs.growth.likely())
}

/// The guide's growth scenarios: 10x, 100x and 1000x.
pub const SCENARIOS: [Factor; 3] = [
    Factor::new_const(10.0),
    Factor::new_const(100.0),
    Factor::new_const(1000.0),
];

/// Plans for each growth factor in `scenarios` (the inputs' growth is replaced).
///
/// # Errors
/// As [`plan`].
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{
///     PlanInputs, SCENARIOS, plan_scenarios, scalability_advisor_core::units::Rate,
/// };
/// let inputs = PlanInputs::new(
///     Rate::from_per_second(200.0)?.into(),
///     Rate::from_per_second(500.0)?.into(),
/// );
/// let plans = plan_scenarios(&inputs, &SCENARIOS)?;
/// let instances: Vec<u32> = plans.iter().map(|p| p.app_instances.value.get()).collect();
/// assert_eq!(instances, [6, 60, 600]); // ⌈200 · g · 1.5 / 500⌉
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
pub fn plan_scenarios(inputs: &PlanInputs, scenarios: &[Factor]) -> Result<Vec<Plan>, Error> {
    inputs.validate()?;
    scenarios
        .iter()
        .map(|&g| plan_with_growth(inputs, g))
        .collect()
}

fn plan_with_growth(inputs: &PlanInputs, growth: Factor) -> Result<Plan, Error> {
    let peak = inputs.peak.likely();
    let margin = inputs.safety_margin.likely();
    let capacity = required_capacity(peak, growth, margin)?;
    let required = figure(
        capacity,
        "peak × growth × margin",
        vec![
            ("peak", peak.to_string()),
            ("growth", growth.to_string()),
            ("margin", margin.to_string()),
        ],
    );
    let per_instance = inputs.per_instance.likely();
    let instances = ceil_div_rate("app instances", capacity, per_instance)?;
    let app_instances = figure(
        instances,
        "⌈capacity / per-instance capacity⌉, at least 1",
        vec![
            ("capacity", capacity.to_string()),
            ("per-instance capacity", per_instance.to_string()),
        ],
    );
    let instance_need = figure(
        capacity.as_per_second() / per_instance.as_per_second(),
        "capacity / per-instance capacity",
        vec![
            ("capacity", capacity.to_string()),
            ("per-instance capacity", per_instance.to_string()),
        ],
    );
    let database = match &inputs.database {
        Some(db) => Some(database_plan(db, capacity, instances)?),
        None => None,
    };
    let cache = match &inputs.cache {
        Some(c) => Some(cache_plan(c)?),
        None => None,
    };
    let stage = stage_plan(inputs, growth, instances, database.as_ref());
    Ok(Plan {
        growth,
        required_capacity: required,
        app_instances,
        instance_need,
        database,
        cache,
        stage,
    })
}

fn stage_plan(
    inputs: &PlanInputs,
    growth: Factor,
    instances: NonZeroU32,
    database: Option<&DatabasePlan>,
) -> StagePlan {
    let users = inputs.users.map(|users| {
        #[expect(
            clippy::cast_precision_loss,
            reason = "user counts above 2^53 round, which is harmless here"
        )]
        let target = growth.as_f64() * users.get() as f64;
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "saturating float-to-int cast is intended"
        )]
        Users::new(target.ceil() as u64)
    });
    let stage_by_users = users.map(Stage::for_users);
    let stage_by_load =
        if database.is_some_and(|d| d.replicas_beyond_limit || d.writes_beyond_primary) {
            Stage::Scale
        } else if instances.get() > 1 {
            Stage::Growth
        } else {
            Stage::Startup
        };
    let stage = stage_by_users.map_or(stage_by_load, |s| s.max(stage_by_load));
    let mut missing = stage
        .cumulative_architecture()
        .difference(inputs.architecture);
    missing.remove(Component::SingleServer);
    StagePlan {
        users,
        stage_by_users,
        stage_by_load,
        stage,
        cost: stage.cost_at_scale(),
        missing_components: missing,
    }
}

/// ⌈load / per-unit capacity⌉, at least 1, as a count of units.
fn ceil_div_rate(what: &'static str, load: Rate, per_unit: Rate) -> Result<NonZeroU32, Error> {
    let per = per_unit.as_per_second();
    if per <= 0.0 {
        return Err(Error::OutOfRange {
            what,
            value: per,
            min: f64::MIN_POSITIVE,
            max: f64::MAX,
        });
    }
    let units = (load.as_per_second() / per).ceil().max(1.0);
    if units.is_nan() || units > f64::from(u32::MAX) {
        return Err(Error::Overflow { what });
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "1 <= units <= u32::MAX, integral"
    )]
    NonZeroU32::new(units as u32).ok_or(Error::Overflow { what })
}

/// Writes a second at the primary: `capacity × q × (1 − s)`, every query that is not a read.
fn database_writes(capacity: f64, queries: f64, read_share: f64) -> f64 {
    capacity * queries * (1.0 - read_share)
}

/// ⌈writes / (per-primary capacity × level)⌉, at least 1 ([`crate::shards_needed`] with the
/// headroom `1 − level`).
fn shards_for(writes: Rate, per_primary: Rate, level: Ratio) -> Result<NonZeroU32, Error> {
    crate::shards_needed(writes, per_primary, level.complement())
}

/// Reads a second that reach the database: `capacity × q × s × (1 − h)`, the misses of a
/// cache in front answering the share `h` (none without one). A cache-aside cache answers
/// a hit itself and sends only a miss on to the database (Amazon Web Services, *Database
/// Caching Strategies Using Redis*, 2017, "Cache-Aside (Lazy Loading)").
fn database_reads(capacity: f64, queries: f64, read_share: f64, hits: Option<f64>) -> f64 {
    capacity * queries * read_share * (1.0 - hits.unwrap_or(0.0))
}

fn database_plan(
    db: &DatabaseInputs,
    capacity: Rate,
    instances: NonZeroU32,
) -> Result<DatabasePlan, Error> {
    let qpr = db.queries_per_request.likely();
    let share = db.read_share.likely();
    let hits = db.cache_hit_rate.as_ref().map(Estimate::likely);
    let reads_value = Rate::from_per_second(database_reads(
        capacity.as_per_second(),
        qpr.as_f64(),
        share.as_fraction(),
        hits.map(Ratio::as_fraction),
    ))?;
    let mut terms = vec![
        ("capacity", capacity.to_string()),
        ("queries per request", qpr.to_string()),
        ("read share", share.to_string()),
    ];
    if let Some(h) = hits {
        terms.push(("cache hit rate", h.to_string()));
    }
    let reads = figure(
        reads_value,
        if hits.is_some() {
            "capacity × queries per request × read share × (1 − cache hit rate)"
        } else {
            "capacity × queries per request × read share"
        },
        terms,
    );
    let per_replica = db.per_replica_reads.likely();
    let replicas = read_replicas(reads_value, per_replica)?;
    let read_replicas = figure(
        replicas,
        "⌈reads / per-replica reads⌉, at least 1",
        vec![
            ("reads", reads_value.to_string()),
            ("per-replica reads", per_replica.to_string()),
        ],
    );
    let writes_value = Rate::from_per_second(database_writes(
        capacity.as_per_second(),
        qpr.as_f64(),
        share.as_fraction(),
    ))?;
    let writes = figure(
        writes_value,
        "capacity × queries per request × (1 − read share)",
        vec![
            ("capacity", capacity.to_string()),
            ("queries per request", qpr.to_string()),
            ("read share", share.to_string()),
        ],
    );
    let shards = match &db.primary_write_capacity {
        Some(per_primary) => {
            let per_primary = per_primary.likely();
            Some(figure(
                shards_for(writes_value, per_primary, db.primary_write_level)?,
                "⌈writes / (primary write capacity × primary write level)⌉, at least 1",
                vec![
                    ("writes", writes_value.to_string()),
                    ("primary write capacity", per_primary.to_string()),
                    ("primary write level", db.primary_write_level.to_string()),
                ],
            ))
        }
        None => None,
    };
    let replicas_per_shard = match shards.as_ref().map(|s| s.value).filter(|s| s.get() > 1) {
        Some(n) => {
            let share = Rate::from_per_second(reads_value.as_per_second() / f64::from(n.get()))?;
            Some(figure(
                crate::plan::read_replicas(share, per_replica)?,
                "⌈reads / (shards × per-replica reads)⌉, at least 1",
                vec![
                    ("reads", reads_value.to_string()),
                    ("shards", n.to_string()),
                    ("per-replica reads", per_replica.to_string()),
                ],
            ))
        }
        None => None,
    };
    let per_host = connection_pool_size(db.cores, db.effective_spindles)?;
    let connections_per_host = figure(
        per_host,
        "cores × 2 + effective spindles",
        vec![
            ("cores", db.cores.to_string()),
            ("effective spindles", db.effective_spindles.to_string()),
        ],
    );
    let (budget, pool_per_instance) = match db.max_connections {
        Some(max) if max < per_host.get() => (
            max,
            figure(
                Connections::new(shared(max, instances)),
                "⌊max_connections / instances⌋, at least 1",
                vec![
                    ("max_connections", max.to_string()),
                    ("instances", instances.to_string()),
                ],
            ),
        ),
        _ => (
            per_host.get(),
            figure(
                Connections::new(shared(per_host.get(), instances)),
                "⌊connections per host / instances⌋, at least 1",
                vec![
                    ("connections per host", per_host.to_string()),
                    ("instances", instances.to_string()),
                ],
            ),
        ),
    };
    let pool = pool_per_instance.value;
    let total = u64::from(instances.get()) * u64::from(pool.get());
    let total_connections = figure(
        total,
        "instances × pool per instance",
        vec![
            ("instances", instances.to_string()),
            ("pool per instance", pool.to_string()),
        ],
    );
    Ok(DatabasePlan {
        reads,
        read_replicas,
        connections_per_host,
        pool_per_instance,
        total_connections,
        max_connections: db.max_connections,
        pooler_needed: instances.get() > budget,
        one_connection_each: instances.get() > 1 && instances.get() <= budget && pool.get() == 1,
        replica_limit: db.max_read_replicas,
        replicas_beyond_limit: replicas_per_shard
            .as_ref()
            .map_or(replicas, |r| r.value)
            .get()
            > db.max_read_replicas,
        writes_beyond_primary: shards.as_ref().is_some_and(|s| s.value.get() > 1),
        writes,
        shards,
        replicas_per_shard,
    })
}

/// A database host's `budget` of connections shared among `instances`: rounded down, at
/// least one (an instance cannot work without a connection).
fn shared(budget: u32, instances: NonZeroU32) -> u32 {
    (budget / instances.get()).max(1)
}

/// Connections `instances` open to one database host of `per_host` active connections
/// (capped by `max_connections`), each with its [`shared`] part.
fn connections_to_host(
    per_host: Connections,
    max_connections: Option<u32>,
    instances: NonZeroU32,
) -> u64 {
    let budget = max_connections.map_or(per_host.get(), |m| m.min(per_host.get()));
    u64::from(instances.get()) * u64::from(shared(budget, instances))
}

fn cache_plan(c: &CacheInputs) -> Result<CachePlan, Error> {
    let data = c.data_size.likely();
    let hot = c.hot_fraction.likely();
    let ws = working_set(data, hot)?;
    let memory = cache_memory(ws, c.multiplier)?;
    Ok(CachePlan {
        working_set: figure(
            ws,
            "⌈data × hot fraction⌉",
            vec![
                ("data", data.to_string()),
                ("hot fraction", hot.to_string()),
            ],
        ),
        memory: figure(
            memory,
            "⌈working set × memory multiplier⌉",
            vec![
                ("working set", ws.to_string()),
                ("memory multiplier", c.multiplier.to_string()),
            ],
        ),
    })
}

/// The 10th, 50th and 90th percentiles of a simulated output, in the output's unit.
///
/// # Examples
/// See [`plan_uncertain`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Percentiles<T> {
    /// 10th percentile.
    pub p10: T,
    /// Median.
    pub p50: T,
    /// 90th percentile.
    pub p90: T,
}

impl<T: fmt::Display> fmt::Display for Percentiles<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P10 {} / P50 {} / P90 {}", self.p10, self.p50, self.p90)
    }
}

/// A plan under uncertainty: each output's percentiles over the simulated draws.
///
/// Counts (instances, replicas, connections) are whole numbers: their percentiles are order
/// statistics of the drawn counts (Hyndman and Fan's definition 1, the inverse of the
/// empirical distribution). Continuous outputs interpolate (definition 7). Each output's
/// percentiles are taken separately; the P90 instance count and the P90 replica count may
/// come from different draws.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UncertainPlan {
    /// Draws simulated.
    pub draws: u32,
    /// The seed used (same seed, same plan).
    pub seed: u64,
    /// Capacity to provision.
    pub required_capacity: Percentiles<Rate>,
    /// Application instances (whole).
    pub app_instances: Percentiles<u32>,
    /// The instance need before rounding up: capacity over per-instance capacity.
    pub instance_need: Percentiles<f64>,
    /// Read replicas (whole), when database inputs were given.
    pub read_replicas: Option<Percentiles<u32>>,
    /// Connections the instances open to one database host when they connect directly
    /// ([`DatabasePlan::total_connections`]), when database inputs were given.
    pub total_connections: Option<Percentiles<u64>>,
    /// Cache memory, when cache inputs were given.
    pub cache_memory: Option<Percentiles<Bytes>>,
    /// Shards (whole, [`DatabasePlan::shards`]), when a primary's write capacity was given.
    pub shards: Option<Percentiles<u32>>,
}

/// The most draws [`plan_uncertain`] takes: a million, which holds every output's draws in
/// about 48 MB and pins P10/P50/P90 far below any input's uncertainty.
pub const MAX_DRAWS: u32 = 1_000_000;

/// Simulates the plan `draws` times, sampling every range input from its PERT distribution
/// with a ChaCha8 generator seeded by `seed`, and reports P10/P50/P90 of each output
/// (quantiles by linear interpolation, Hyndman and Fan's definition 7).
///
/// Inputs are sampled independently of each other. Time and memory are linear in `draws`.
///
/// # Errors
/// As [`plan`]; [`Error::OutOfRange`] when `draws` is 0 or above [`MAX_DRAWS`].
///
/// # Examples
/// ```
/// use scalability_advisor_formulas::{plan_uncertain, Estimate, PlanInputs};
/// use scalability_advisor_formulas::scalability_advisor_core::units::{Factor, Rate};
/// let peak = Rate::from_per_second(1_000.0)?;
/// let mut inputs = PlanInputs::new(peak.into(), Rate::from_per_second(400.0)?.into());
/// inputs.growth = Estimate::range(Factor::new(2.0)?, Factor::new(3.0)?, Factor::new(6.0)?)?;
/// let a = plan_uncertain(&inputs, 10_000, 42)?;
/// let b = plan_uncertain(&inputs, 10_000, 42)?;
/// assert_eq!(a, b); // reproducible
/// let c = a.required_capacity;
/// assert!(c.p10 < c.p50 && c.p50 < c.p90);
/// assert!(c.p10.as_per_second() >= 1_000.0 * 2.0 * 1.5);
/// assert!(c.p90.as_per_second() <= 1_000.0 * 6.0 * 1.5);
/// // Instances are whole; the need before rounding up is there too.
/// assert!(a.app_instances.p10 >= 8 && a.app_instances.p90 <= 23); // ⌈3,000 / 400⌉ to ⌈9,000 / 400⌉
/// assert!(a.instance_need.p50 < f64::from(a.app_instances.p50) + 1.0);
/// # Ok::<(), scalability_advisor_formulas::Error>(())
/// ```
pub fn plan_uncertain(inputs: &PlanInputs, draws: u32, seed: u64) -> Result<UncertainPlan, Error> {
    inputs.validate()?;
    if draws == 0 || draws > MAX_DRAWS {
        return Err(Error::OutOfRange {
            what: "draws",
            value: f64::from(draws),
            min: 1.0,
            max: f64::from(MAX_DRAWS),
        });
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let peak = inputs.peak.sampler();
    let growth = inputs.growth.sampler();
    let margin = inputs.safety_margin.sampler();
    let per_instance = inputs.per_instance.sampler();
    let db = inputs.database.as_ref().map(|d| {
        (
            d.queries_per_request.sampler(),
            d.read_share.sampler(),
            d.per_replica_reads.sampler(),
            d.cache_hit_rate.as_ref().map(Estimate::sampler),
            d.primary_write_capacity.as_ref().map(Estimate::sampler),
            d,
        )
    });
    let cache = inputs
        .cache
        .as_ref()
        .map(|c| (c.data_size.sampler(), c.hot_fraction.sampler(), c));
    let n = draws as usize;
    let mut capacity = Vec::with_capacity(n);
    let mut need = Vec::with_capacity(n);
    let mut instances: Vec<u32> = Vec::with_capacity(n);
    let mut replicas: Vec<u32> = Vec::with_capacity(if db.is_some() { n } else { 0 });
    let mut connections: Vec<u64> = Vec::with_capacity(if db.is_some() { n } else { 0 });
    let sharded = db.as_ref().is_some_and(|d| d.4.is_some());
    let mut shards: Vec<u32> = Vec::with_capacity(if sharded { n } else { 0 });
    let mut memory = Vec::with_capacity(if cache.is_some() { n } else { 0 });
    for _ in 0..draws {
        let c = Rate::from_per_second(
            peak.draw(&mut rng) * growth.draw(&mut rng) * margin.draw(&mut rng),
        )?;
        let per = Rate::from_f64(per_instance.draw(&mut rng))?;
        let i = ceil_div_rate("app instances", c, per)?;
        capacity.push(c.as_per_second());
        need.push(c.as_per_second() / per.as_per_second());
        instances.push(i.get());
        if let Some((qpr, share, per_replica, hits, per_primary, d)) = &db {
            // (Drawn in this order whatever else is given, so that adding an input leaves
            // the others' draws as they were.)
            let (q, s) = (qpr.draw(&mut rng), share.draw(&mut rng));
            let reads = Rate::from_per_second(database_reads(
                c.as_per_second(),
                q,
                s,
                hits.as_ref().map(|h| h.draw(&mut rng).clamp(0.0, 1.0)),
            ))?;
            let r = read_replicas(reads, Rate::from_f64(per_replica.draw(&mut rng))?)?;
            replicas.push(r.get());
            let per_host = connection_pool_size(d.cores, d.effective_spindles)?;
            connections.push(connections_to_host(per_host, d.max_connections, i));
            if let Some(per_primary) = per_primary {
                let writes = Rate::from_per_second(database_writes(
                    c.as_per_second(),
                    q,
                    s.clamp(0.0, 1.0),
                ))?;
                let per = Rate::from_f64(per_primary.draw(&mut rng))?;
                shards.push(shards_for(writes, per, d.primary_write_level)?.get());
            }
        }
        if let Some((data, hot, c)) = &cache {
            let ws = working_set(
                Bytes::from_f64(data.draw(&mut rng))?,
                Ratio::from_f64(hot.draw(&mut rng).clamp(0.0, 1.0))?,
            )?;
            memory.push(cache_memory(ws, c.multiplier)?.to_f64());
        }
    }
    let capacity = continuous(&mut capacity);
    let memory = continuous(&mut memory);
    Ok(UncertainPlan {
        draws,
        seed,
        required_capacity: Percentiles {
            p10: Rate::from_per_second(capacity.p10)?,
            p50: Rate::from_per_second(capacity.p50)?,
            p90: Rate::from_per_second(capacity.p90)?,
        },
        app_instances: counts(&mut instances),
        instance_need: continuous(&mut need),
        read_replicas: db.as_ref().map(|_| counts(&mut replicas)),
        shards: sharded.then(|| counts(&mut shards)),
        total_connections: db.as_ref().map(|_| counts(&mut connections)),
        cache_memory: match cache {
            Some(_) => Some(Percentiles {
                p10: Bytes::from_f64(memory.p10)?,
                p50: Bytes::from_f64(memory.p50)?,
                p90: Bytes::from_f64(memory.p90)?,
            }),
            None => None,
        },
    })
}

/// P10/P50/P90 of continuous values by linear interpolation (Hyndman and Fan's definition 7),
/// found by selection: O(n) per percentile, no full sort.
fn continuous(values: &mut [f64]) -> Percentiles<f64> {
    Percentiles {
        p10: quantile(values, 0.1),
        p50: quantile(values, 0.5),
        p90: quantile(values, 0.9),
    }
}

/// P10/P50/P90 of counts as order statistics (Hyndman and Fan's definition 1: the smallest
/// value whose empirical distribution reaches p), found by selection.
fn counts<T: Copy + Ord + Default>(values: &mut [T]) -> Percentiles<T> {
    let at = |values: &mut [T], p: f64| -> T {
        if values.is_empty() {
            return T::default();
        }
        #[expect(clippy::cast_precision_loss, reason = "draw counts are far below 2^53")]
        let rank = (p * values.len() as f64).ceil();
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "1 <= rank <= len for 0 < p <= 1"
        )]
        let k = (rank as usize).clamp(1, values.len()) - 1;
        *values.select_nth_unstable(k).1
    };
    Percentiles {
        p10: at(values, 0.1),
        p50: at(values, 0.5),
        p90: at(values, 0.9),
    }
}

/// The `p` quantile of `values` by linear interpolation between order statistics (Hyndman
/// and Fan's definition 7); reorders `values`.
fn quantile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    #[expect(clippy::cast_precision_loss, reason = "draw counts are far below 2^53")]
    let h = (values.len() - 1) as f64 * p;
    let lo = h.floor();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "0 <= lo <= len - 1"
    )]
    let i = lo as usize;
    let (_, &mut at, above) = values.select_nth_unstable_by(i, f64::total_cmp);
    match above.iter().copied().min_by(f64::total_cmp) {
        Some(next) => at + (h - lo) * (next - at),
        None => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use scalability_advisor_core::Component;

    fn rate(v: f64) -> Rate {
        Rate::from_per_second(v).unwrap()
    }

    fn inputs() -> PlanInputs {
        let mut i = PlanInputs::new(rate(1_000.0).into(), rate(400.0).into());
        i.growth = Factor::new(3.0).unwrap().into();
        i
    }

    #[test]
    fn stage_and_missing_components() {
        let mut i = inputs();
        i.users = Some(Users::new(40_000));
        i.architecture = ComponentSet::from_components(&[Component::Cdn, Component::LoadBalancer]);
        let p = plan(&i).unwrap();
        let s = p.stage;
        // 40,000 × 3 = 120,000 users: stage 3; 12 instances alone would mean stage 2.
        assert_eq!(s.users, Some(Users::new(120_000)));
        assert_eq!(s.stage_by_users, Some(Stage::Scale));
        assert_eq!(s.stage_by_load, Stage::Growth);
        assert_eq!(s.stage, Stage::Scale);
        // Stage 3 keeps stage 2's cache and replicas besides its own shards.
        assert!(s.missing_components.contains(Component::Sharding));
        assert!(s.missing_components.contains(Component::Cache));
        assert!(s.missing_components.contains(Component::ReadReplicas));
        assert!(!s.missing_components.contains(Component::Cdn));
        assert!(!s.missing_components.contains(Component::SingleServer));
    }

    #[test]
    fn stage_follows_the_planned_load() {
        // 1,000 req/s × 3 × 1.5 = 4,500 req/s over 400 each: 12 instances need a load balancer,
        // so the plan is stage 2 even with 2,000 users (6,000 at the target, stage 1 by users).
        let mut i = inputs();
        i.users = Some(Users::new(2_000));
        let s = plan(&i).unwrap().stage;
        assert_eq!(s.stage_by_users, Some(Stage::Startup));
        assert_eq!(s.stage_by_load, Stage::Growth);
        assert_eq!(s.stage, Stage::Growth);
        assert!(s.missing_components.contains(Component::LoadBalancer));
        assert_eq!(s.cost.users, Users::new(100_000));
        // Without users, the load alone decides.
        i.users = None;
        let s = plan(&i).unwrap().stage;
        assert_eq!((s.users, s.stage), (None, Stage::Growth));
        // One instance and nothing else: a single server, nothing missing.
        let one = PlanInputs::new(rate(100.0).into(), rate(400.0).into());
        let s = plan(&one).unwrap().stage;
        assert_eq!(s.stage, Stage::Startup);
        assert!(s.missing_components.is_empty());
    }

    #[test]
    fn replicas_past_the_practical_limit_point_at_stage_three() {
        // The database example: 10,800 reads/s over 2,000 per replica = 6 replicas at 3x.
        // At 1000x: 4,500,000 reads/s... 1,000 × 1000 × 1.5 × 3 × 0.8 = 3,600,000 reads/s,
        // ⌈3,600,000 / 2,000⌉ = 1,800 replicas, far past 15.
        let mut i = inputs();
        i.database = Some(database());
        let d = plan(&i).unwrap().database.unwrap();
        assert_eq!(d.read_replicas.value.get(), 6);
        assert_eq!(d.replica_limit, PRACTICAL_READ_REPLICAS);
        assert!(!d.replicas_beyond_limit);
        let big = plan_scenarios(&i, &[Factor::new(1000.0).unwrap()]).unwrap();
        let d = big[0].database.as_ref().unwrap();
        assert_eq!(d.read_replicas.value.get(), 1_800);
        assert!(d.replicas_beyond_limit);
        assert_eq!(big[0].stage.stage_by_load, Stage::Scale);
        // Exactly at the limit is still practical: 15 replicas of 2,000 = 30,000 reads/s.
        let mut db = database();
        db.max_read_replicas = 6;
        i.database = Some(db);
        assert!(!plan(&i).unwrap().database.unwrap().replicas_beyond_limit);
        db.max_read_replicas = 5;
        i.database = Some(db);
        assert!(plan(&i).unwrap().database.unwrap().replicas_beyond_limit);
    }

    #[test]
    fn writes_past_the_primary_call_for_shards() {
        // The database example: 4,500 req/s × 3 queries × (1 − 80% reads) = 2,700 writes/s,
        // all of them on the primary (a cache-aside cache and the replicas take reads only).
        // With no write capacity given, the writes are counted and nothing more.
        let mut i = inputs();
        i.database = Some(database());
        let d = plan(&i).unwrap().database.unwrap();
        assert!((d.writes.value.as_per_second() - 2_700.0).abs() < 1e-6);
        assert_eq!(
            d.writes.to_string(),
            "2700/s = capacity × queries per request × (1 − read share) (capacity = 4500/s, queries per request = 3 queries/request, read share = 80%)"
        );
        assert_eq!(d.shards, None);
        assert!(!d.writes_beyond_primary);
        // The primary sustains 5,000 writes/s; the plan shards past 80% of it (the default
        // pack's primary_write_level, the guide's "write traffic overwhelming single
        // primary"): 2,700 < 4,000, one shard, the primary alone.
        let mut db = database();
        db.primary_write_capacity = Some(rate(5_000.0).into());
        i.database = Some(db);
        let d = plan(&i).unwrap().database.unwrap();
        let shards = d.shards.as_ref().unwrap();
        assert_eq!(shards.value.get(), 1);
        assert!(!d.writes_beyond_primary);
        assert_eq!(
            shards.to_string(),
            "1 = ⌈writes / (primary write capacity × primary write level)⌉, at least 1 (writes = 2700/s, primary write capacity = 5000/s, primary write level = 80%)"
        );
        // 3,000 writes/s a primary: ⌈2,700 / 2,400⌉ = 2 shards, and the stage by load is 3,
        // whose architecture shards the data.
        db.primary_write_capacity = Some(rate(3_000.0).into());
        i.database = Some(db);
        let p = plan(&i).unwrap();
        let d = p.database.as_ref().unwrap();
        assert_eq!(d.shards.as_ref().unwrap().value.get(), 2);
        assert!(d.writes_beyond_primary);
        assert_eq!(p.stage.stage_by_load, Stage::Scale);
        assert!(p.stage.missing_components.contains(Component::Sharding));
        // At 1000x: 1,000 × 1000 × 1.5 × 3 × 20% = 900,000 writes/s, ⌈900,000 / 2,400⌉ = 375.
        let big = plan_scenarios(&i, &[Factor::new(1000.0).unwrap()]).unwrap();
        let d = big[0].database.as_ref().unwrap();
        assert_eq!(d.shards.as_ref().unwrap().value.get(), 375);
        // The level is the user's: sharding at 50% of 3,000 gives ⌈2,700 / 1,500⌉ = 2, at
        // 100% ⌈2,700 / 3,000⌉ = 1.
        db.primary_write_level = Ratio::from_percent(100.0).unwrap();
        i.database = Some(db);
        assert_eq!(
            plan(&i)
                .unwrap()
                .database
                .unwrap()
                .shards
                .unwrap()
                .value
                .get(),
            1
        );
        // A primary that sustains no writes: an error naming it.
        db.primary_write_capacity = Some(Rate::ZERO.into());
        i.database = Some(db);
        let e = plan(&i).unwrap_err().to_string();
        assert!(e.contains("primary write capacity"), "{e}");
        db.primary_write_capacity = Some(rate(3_000.0).into());
        // A level of 0 shards at no load at all: an error naming it.
        db.primary_write_level = Ratio::ZERO;
        i.database = Some(db);
        let e = plan(&i).unwrap_err().to_string();
        assert!(e.contains("primary write level"), "{e}");
    }

    #[test]
    fn shards_split_the_reads_among_their_replicas() {
        // At 100x: 150,000 req/s × 3 queries × 80% reads = 360,000 reads/s, 180 replicas of
        // 2,000, far past the 15 one primary feeds; and 90,000 writes/s. A primary of
        // 3,000 writes/s planned to 80%: ⌈90,000 / 2,400⌉ = 38 shards, each with its own
        // replicas for its share of the reads (hash-based keys spread them evenly):
        // ⌈360,000 / (38 × 2,000)⌉ = 5 a shard, within 15.
        let mut i = inputs();
        let mut db = database();
        db.primary_write_capacity = Some(rate(3_000.0).into());
        i.database = Some(db);
        let hundred = [Factor::new(100.0).unwrap()];
        let p = plan_scenarios(&i, &hundred).unwrap();
        let d = p[0].database.as_ref().unwrap();
        assert_eq!(d.read_replicas.value.get(), 180);
        assert_eq!(d.shards.as_ref().unwrap().value.get(), 38);
        let per = d.replicas_per_shard.as_ref().unwrap();
        assert_eq!(per.value.get(), 5);
        assert_eq!(
            per.to_string(),
            "5 = ⌈reads / (shards × per-replica reads)⌉, at least 1 (reads = 360,000/s, shards = 38, per-replica reads = 2000/s)"
        );
        assert!(!d.replicas_beyond_limit);
        // A primary of 30,000 writes/s: ⌈90,000 / 24,000⌉ = 4 shards, ⌈360,000 / 8,000⌉ = 45
        // replicas a shard, still past 15.
        db.primary_write_capacity = Some(rate(30_000.0).into());
        i.database = Some(db);
        let d = plan_scenarios(&i, &hundred).unwrap()[0]
            .database
            .clone()
            .unwrap();
        assert_eq!(d.replicas_per_shard.unwrap().value.get(), 45);
        assert!(d.replicas_beyond_limit);
        // One shard (the 3x plan: 2,700 writes/s under 24,000): no split, none per shard.
        let d = plan(&i).unwrap().database.unwrap();
        assert_eq!(d.replicas_per_shard, None);
    }

    #[test]
    fn uncertain_shards_follow_the_drawn_writes() {
        // Point inputs: every draw gives the point plan's 2 shards.
        let mut i = inputs();
        let mut db = database();
        db.primary_write_capacity = Some(rate(3_000.0).into());
        i.database = Some(db);
        let u = plan_uncertain(&i, 50, 1).unwrap();
        let s = u.shards.unwrap();
        assert_eq!((s.p10, s.p50, s.p90), (2, 2, 2));
        // Without a write capacity there is nothing to count.
        i.database = Some(database());
        assert_eq!(plan_uncertain(&i, 50, 1).unwrap().shards, None);
        // A primary between 1,500 and 6,000 writes/s (likely 3,000), planned to 80%: the
        // 2,700 writes/s need from ⌈2,700 / 4,800⌉ = 1 to ⌈2,700 / 1,200⌉ = 3 shards.
        // Read shares drawn from 70% to 90% move the replicas, and the write capacity,
        // drawn after them, leaves their draws as they were.
        let mut db = database();
        db.read_share = Estimate::range(
            Ratio::from_percent(70.0).unwrap(),
            Ratio::from_percent(80.0).unwrap(),
            Ratio::from_percent(90.0).unwrap(),
        )
        .unwrap();
        i.database = Some(db);
        let without = plan_uncertain(&i, 2_000, 5).unwrap();
        db.primary_write_capacity =
            Some(Estimate::range(rate(1_500.0), rate(3_000.0), rate(6_000.0)).unwrap());
        i.database = Some(db);
        let with = plan_uncertain(&i, 2_000, 5).unwrap();
        assert_eq!(with.read_replicas, without.read_replicas);
        // With the read share drawn too, writes span 4,500 × 3 × (10% to 30%) = 1,350 to
        // 4,050/s: from ⌈1,350 / 4,800⌉ = 1 to ⌈4,050 / 1,200⌉ = 4 shards.
        let s = with.shards.unwrap();
        assert!(1 <= s.p10 && s.p10 < s.p90 && s.p90 <= 4, "{s}");
    }

    #[test]
    fn cache_plan_matches_guide_example() {
        let mut i = inputs();
        let mut c = CacheInputs::new(Bytes::from_gib(50.0).unwrap().into());
        c.hot_fraction = Ratio::from_percent(20.0).unwrap().into();
        i.cache = Some(c);
        let p = plan(&i).unwrap();
        let cache = p.cache.unwrap();
        // 50 GiB × 20% = 10 GiB working set; × 1.5 = 15 GiB (the guide's cache example).
        assert_eq!(cache.working_set.value, Bytes::from_gib(10.0).unwrap());
        assert_eq!(cache.memory.value, Bytes::from_gib(15.0).unwrap());
    }

    #[test]
    fn a_cache_takes_its_hits_off_the_replicas() {
        // 4,500 req/s × 3 queries × 80% = 10,800 reads/s. A cache in front answering 75% of
        // them leaves 10,800 × (1 - 0.75) = 2,700/s for the database: ⌈2,700 / 2,000⌉ = 2
        // replicas instead of 6.
        let mut i = inputs();
        let mut db = database();
        db.cache_hit_rate = Some(Ratio::from_percent(75.0).unwrap().into());
        i.database = Some(db);
        let d = plan(&i).unwrap().database.unwrap();
        assert!((d.reads.value.as_per_second() - 2_700.0).abs() < 1e-6);
        assert_eq!(d.read_replicas.value.get(), 2);
        assert_eq!(
            d.reads.to_string(),
            "2700/s = capacity × queries per request × read share × (1 − cache hit rate) (capacity = 4500/s, queries per request = 3 queries/request, read share = 80%, cache hit rate = 75%)"
        );
        // Every read answered by the cache still leaves one replica (the formula's floor).
        db.cache_hit_rate = Some(Ratio::from_percent(100.0).unwrap().into());
        i.database = Some(db);
        let d = plan(&i).unwrap().database.unwrap();
        assert_eq!(d.read_replicas.value.get(), 1);
        // A range of hit rates: at 1000x, 3,600,000 reads/s; 90% to 99% hits leave 36,000 to
        // 360,000/s, so 18 to 180 replicas of 2,000 each.
        db.cache_hit_rate = Some(
            Estimate::range(
                Ratio::from_percent(90.0).unwrap(),
                Ratio::from_percent(95.0).unwrap(),
                Ratio::from_percent(99.0).unwrap(),
            )
            .unwrap(),
        );
        i.database = Some(db);
        i.growth = Factor::new(1_000.0).unwrap().into();
        let u = plan_uncertain(&i, 2_000, 3).unwrap();
        let r = u.read_replicas.unwrap();
        assert!(r.p10 >= 18 && r.p90 <= 180, "{r:?}");
        assert!(r.p10 < r.p90, "{r:?}");
        // A badly ordered range is refused, naming the field.
        let bad = Estimate::Range {
            low: Ratio::from_percent(99.0).unwrap(),
            likely: Ratio::from_percent(95.0).unwrap(),
            high: Ratio::from_percent(90.0).unwrap(),
        };
        db.cache_hit_rate = Some(bad);
        i.database = Some(db);
        let e = plan(&i).unwrap_err().to_string();
        assert!(e.contains("cache hit rate"), "{e}");
    }

    fn database() -> DatabaseInputs {
        DatabaseInputs::new(
            8,
            QueriesPerRequest::new(3.0).unwrap().into(),
            Ratio::from_percent(80.0).unwrap().into(),
            rate(2_000.0).into(),
        )
    }

    #[test]
    fn database_plan_by_hand() {
        // 1,000 req/s × 3 × 1.5 = 4,500 req/s (the guide's capacity example); 400 per instance:
        // ⌈11.25⌉ = 12 instances. Reads: 4,500 × 3 queries × 80% = 10,800/s; 2,000 per replica:
        // ⌈5.4⌉ = 6 replicas. Connections: 8 cores × 2 + 1 (SSD) = 17 active connections on
        // each database host, the guide's pool example. The 12 instances share them when
        // they connect directly: ⌊17 / 12⌋ = 1 each, 12 in all.
        let mut i = inputs();
        let mut db = database();
        db.max_connections = Some(100);
        i.database = Some(db);
        let p = plan(&i).unwrap();
        assert_eq!(p.app_instances.value.get(), 12);
        let d = p.database.unwrap();
        assert!((d.reads.value.as_per_second() - 10_800.0).abs() < 1e-6);
        assert_eq!(d.read_replicas.value.get(), 6);
        assert_eq!(d.connections_per_host.value.get(), 17);
        assert_eq!(d.pool_per_instance.value.get(), 1);
        assert_eq!(d.total_connections.value, 12);
        assert_eq!(d.max_connections, Some(100));
        // 12 instances, 17 connections: each can hold one without a pooler, and only one:
        // each instance's queries run one at a time.
        assert!(!d.pooler_needed);
        assert!(d.one_connection_each);
        assert_eq!(
            d.connections_per_host.to_string(),
            "17 connections = cores × 2 + effective spindles (cores = 8, effective spindles = 1)"
        );
        assert_eq!(
            d.pool_per_instance.to_string(),
            "1 connection = ⌊connections per host / instances⌋, at least 1 (connections per host = 17 connections, instances = 12)"
        );
        assert_eq!(
            d.total_connections.to_string(),
            "12 = instances × pool per instance (instances = 12, pool per instance = 1 connection)"
        );

        // A limit below the formula is the budget: ⌊12 / 12⌋ = 1 each, still no pooler.
        db.max_connections = Some(12);
        i.database = Some(db);
        let d = plan(&i).unwrap().database.unwrap();
        assert!(!d.pooler_needed);
        assert!(d.one_connection_each);
        assert_eq!(
            d.pool_per_instance.to_string(),
            "1 connection = ⌊max_connections / instances⌋, at least 1 (max_connections = 12, instances = 12)"
        );
        // Fewer connections than instances: one each is already too many; a pooler shares
        // the 11.
        db.max_connections = Some(11);
        i.database = Some(db);
        let d = plan(&i).unwrap().database.unwrap();
        assert!(d.pooler_needed);
        assert!(!d.one_connection_each, "the stronger warning alone");
        assert_eq!(d.pool_per_instance.value.get(), 1);
        assert_eq!(d.total_connections.value, 12);
        // A limit equal to the formula: the formula's figure is the budget named.
        db.max_connections = Some(17);
        i.database = Some(db);
        assert_eq!(
            plan(&i)
                .unwrap()
                .database
                .unwrap()
                .pool_per_instance
                .to_string(),
            "1 connection = ⌊connections per host / instances⌋, at least 1 (connections per host = 17 connections, instances = 12)"
        );
        // No limit given: the formula alone.
        db.max_connections = None;
        i.database = Some(db);
        assert!(!plan(&i).unwrap().database.unwrap().pooler_needed);

        // 300 req/s × 3 × 1.5 = 1,350 req/s: ⌈3.375⌉ = 4 instances, ⌊17 / 4⌋ = 4 connections
        // each, 16 in all.
        let mut small = i;
        small.peak = rate(300.0).into();
        let d = plan(&small).unwrap().database.unwrap();
        assert_eq!(d.pool_per_instance.value.get(), 4);
        assert_eq!(d.total_connections.value, 16);
        assert!(!d.pooler_needed);
        assert!(!d.one_connection_each);
        // 1,000 req/s × 3 × 1.5 = 4,500 req/s on 500 req/s instances: 9 instances, ⌊17 / 9⌋ = 1
        // each; 800 req/s instances: ⌈5.625⌉ = 6, ⌊17 / 6⌋ = 2 each, no longer one.
        let mut nine = i;
        nine.per_instance = rate(500.0).into();
        assert!(plan(&nine).unwrap().database.unwrap().one_connection_each);
        nine.per_instance = rate(800.0).into();
        let d = plan(&nine).unwrap().database.unwrap();
        assert_eq!(d.pool_per_instance.value.get(), 2);
        assert!(!d.one_connection_each);
        // 50 req/s × 3 × 1.5 = 225 req/s: one instance holds the whole budget, whatever it is.
        let mut one = i;
        one.peak = rate(50.0).into();
        db.max_connections = Some(1);
        one.database = Some(db);
        let d = plan(&one).unwrap().database.unwrap();
        assert_eq!(d.pool_per_instance.value.get(), 1);
        assert!(!d.one_connection_each && !d.pooler_needed);
        // 5,000 req/s × 3 × 1.5 = 22,500 req/s: ⌈56.25⌉ = 57 instances outnumber the 17
        // connections: a pooler.
        let mut big = i;
        big.peak = rate(5_000.0).into();
        let d = plan(&big).unwrap().database.unwrap();
        assert_eq!(d.total_connections.value, 57);
        assert!(d.pooler_needed);
    }

    #[test]
    fn uncertain_plan_of_point_inputs_equals_the_point_plan() {
        let mut i = inputs();
        i.database = Some(database());
        i.cache = Some(CacheInputs::new(Bytes::from_gib(50.0).unwrap().into()));
        let u = plan_uncertain(&i, 50, 1).unwrap();
        // The figures of database_plan_by_hand and cache_plan_matches_guide_example.
        let flat = |p: Percentiles<f64>, v: f64| {
            (p.p10 - v).abs() < 1e-6 && (p.p50 - v).abs() < 1e-6 && (p.p90 - v).abs() < 1e-6
        };
        let c = u.required_capacity;
        let c = Percentiles {
            p10: c.p10.as_per_second(),
            p50: c.p50.as_per_second(),
            p90: c.p90.as_per_second(),
        };
        assert!(flat(c, 4_500.0), "{c}");
        // Whole counts, and the need before rounding: 4,500 / 400 = 11.25 instances.
        let whole = |p: Percentiles<u32>| (p.p10, p.p50, p.p90);
        assert_eq!(whole(u.app_instances), (12, 12, 12));
        assert!(flat(u.instance_need, 11.25));
        assert_eq!(whole(u.read_replicas.unwrap()), (6, 6, 6));
        let conn = u.total_connections.unwrap();
        assert_eq!((conn.p10, conn.p50, conn.p90), (12, 12, 12));
        // 300 req/s: 4 instances with ⌊17 / 4⌋ = 4 connections each, as database_plan_by_hand.
        let mut small = i;
        small.peak = rate(300.0).into();
        let conn = plan_uncertain(&small, 50, 1)
            .unwrap()
            .total_connections
            .unwrap();
        assert_eq!((conn.p10, conn.p50, conn.p90), (16, 16, 16));
        assert_eq!(u.cache_memory.unwrap().p50, Bytes::from_gib(15.0).unwrap());
        assert_eq!(u.draws, 50);
        assert_eq!(u.seed, 1);
    }

    #[test]
    fn uncertain_ranges_spread_and_stay_in_bounds() {
        // Peak between 500 and 2,000 req/s (likely 1,000): every draw of capacity lies in
        // [500 × 3 × 1.5, 2,000 × 3 × 1.5] = [2,250, 9,000], and P10 < P50 < P90.
        let mut i = inputs();
        i.peak = Estimate::range(rate(500.0), rate(1_000.0), rate(2_000.0)).unwrap();
        i.database = Some(database());
        let u = plan_uncertain(&i, 2_000, 11).unwrap();
        let c = u.required_capacity;
        let (p10, p50, p90) = (
            c.p10.as_per_second(),
            c.p50.as_per_second(),
            c.p90.as_per_second(),
        );
        assert!(p10 >= 2_250.0 && p90 <= 9_000.0, "{c}");
        assert!(p10 < p50 && p50 < p90, "{c}");
        // PERT(500, 1000, 2000) has mean (500 + 4·1000 + 2000)/6 = 1,083; its median lies
        // near there, so the capacity median is near 1,083 × 4.5 = 4,875.
        assert!((p50 / 4_875.0 - 1.0).abs() < 0.05, "{c}");
        let r = u.read_replicas.unwrap();
        assert!(r.p10 <= r.p50 && r.p50 <= r.p90 && r.p90 > r.p10, "{r}");
    }

    #[test]
    fn quantiles_and_percentiles_by_hand() {
        // Type 7 on 0, 1, ..., 10: P10 = 1, P50 = 5, P90 = 9.
        let mut v: Vec<f64> = (0..=10).rev().map(f64::from).collect();
        let p = continuous(&mut v);
        assert!((p.p10 - 1.0).abs() < 1e-12 && (p.p50 - 5.0).abs() < 1e-12);
        assert!((p.p90 - 9.0).abs() < 1e-12);
        assert_eq!(p.to_string(), "P10 1 / P50 5 / P90 9");
        assert!((quantile(&mut [4.0, 3.0, 2.0, 1.0], 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile(&mut [20.0, 10.0], 0.25) - 12.5).abs() < 1e-12);
        assert!((quantile(&mut [10.0, 20.0], 1.0) - 20.0).abs() < 1e-12);
        assert!(quantile(&mut [], 0.5).abs() < 1e-12);
        // Type 1 on the counts 1..=10: the smallest value whose share reaches p:
        // P10 = 1 (10%), P50 = 5 (50%), P90 = 9 (90%).
        let mut counts_1_to_10: Vec<u32> = (1..=10).rev().collect();
        let c = counts(&mut counts_1_to_10);
        assert_eq!((c.p10, c.p50, c.p90), (1, 5, 9));
        // Three draws: ceil(0.3) = 1st, ceil(1.5) = 2nd, ceil(2.7) = 3rd.
        let c = counts(&mut [30u64, 10, 20]);
        assert_eq!((c.p10, c.p50, c.p90), (10, 20, 30));
        assert_eq!(counts::<u32>(&mut []).p50, 0);
    }

    #[test]
    fn every_range_is_checked_and_named() {
        let backwards = |what: &'static str, i: &PlanInputs| {
            assert!(
                matches!(plan(i), Err(Error::UnorderedRange { what: w, .. }) if w == what),
                "{what}"
            );
        };
        let bad_rate = Estimate::Range {
            low: rate(3.0),
            likely: rate(2.0),
            high: rate(4.0),
        };
        let bad_ratio = Estimate::Range {
            low: Ratio::from_fraction(0.5).unwrap(),
            likely: Ratio::from_fraction(0.4).unwrap(),
            high: Ratio::from_fraction(0.6).unwrap(),
        };
        let bad_factor = Estimate::Range {
            low: Factor::new(2.0).unwrap(),
            likely: Factor::new(3.0).unwrap(),
            high: Factor::new(2.5).unwrap(),
        };
        let mut i = inputs();
        i.peak = bad_rate;
        backwards("peak", &i);
        let mut i = inputs();
        i.safety_margin = bad_factor;
        backwards("safety margin", &i);
        let mut i = inputs();
        i.per_instance = bad_rate;
        backwards("per-instance capacity", &i);
        let mut i = inputs();
        let mut db = database();
        db.queries_per_request = Estimate::Range {
            low: QueriesPerRequest::new(3.0).unwrap(),
            likely: QueriesPerRequest::new(1.0).unwrap(),
            high: QueriesPerRequest::new(4.0).unwrap(),
        };
        i.database = Some(db);
        backwards("queries per request", &i);
        let mut db = database();
        db.read_share = bad_ratio;
        i.database = Some(db);
        backwards("read share", &i);
        let mut db = database();
        db.per_replica_reads = bad_rate;
        i.database = Some(db);
        backwards("per-replica reads", &i);
        let mut i = inputs();
        let mut c = CacheInputs::new(Bytes::from_gib(1.0).unwrap().into());
        c.data_size = Estimate::Range {
            low: Bytes::from_gib(2.0).unwrap(),
            likely: Bytes::from_gib(1.0).unwrap(),
            high: Bytes::from_gib(3.0).unwrap(),
        };
        i.cache = Some(c);
        backwards("data size", &i);
        let mut c = CacheInputs::new(Bytes::from_gib(1.0).unwrap().into());
        c.hot_fraction = bad_ratio;
        i.cache = Some(c);
        backwards("hot fraction", &i);
        // The same checks guard scenarios and uncertain plans.
        assert!(plan_scenarios(&i, &SCENARIOS).is_err());
        assert!(plan_uncertain(&i, 10, 1).is_err());
        assert_eq!(
            Estimate::range(rate(2.0), rate(1.0), rate(3.0)),
            Err(Error::UnorderedRange {
                what: "estimate",
                low: 2.0,
                likely: 1.0,
                high: 3.0,
            })
        );
        // Equal ends are a valid (certain) range.
        assert!(Estimate::range(rate(2.0), rate(2.0), rate(2.0)).is_ok());
        assert!(Estimate::range(rate(1.0), rate(1.0), rate(3.0)).is_ok());
        assert!(Estimate::range(rate(1.0), rate(3.0), rate(3.0)).is_ok());
    }

    #[test]
    fn instance_counts_by_hand() {
        // ⌈4,500 / 400⌉ = 12; exactly divisible loads take no extra instance.
        assert_eq!(
            ceil_div_rate("x", rate(4_500.0), rate(400.0))
                .unwrap()
                .get(),
            12
        );
        assert_eq!(
            ceil_div_rate("x", rate(4_000.0), rate(400.0))
                .unwrap()
                .get(),
            10
        );
        assert_eq!(
            ceil_div_rate("x", Rate::ZERO, rate(400.0)).unwrap().get(),
            1
        );
        assert_eq!(
            ceil_div_rate("app instances", rate(1.0), Rate::ZERO),
            Err(Error::OutOfRange {
                what: "app instances",
                value: 0.0,
                min: f64::MIN_POSITIVE,
                max: f64::MAX,
            })
        );
        assert_eq!(
            ceil_div_rate("app instances", rate(1e12), rate(1e-3)),
            Err(Error::Overflow {
                what: "app instances"
            })
        );
        assert_eq!(
            ceil_div_rate("x", rate(f64::from(u32::MAX)), rate(1.0))
                .unwrap()
                .get(),
            u32::MAX
        );
    }

    #[test]
    fn sampleable_conversions_round_trip() {
        let b = Bytes::from_gib(2.0).unwrap();
        assert!((b.to_f64() - 2.0 * 1_073_741_824.0).abs() < 1e-6);
        assert_eq!(Bytes::from_f64(b.to_f64()).unwrap(), b);
        assert!((Factor::new(2.5).unwrap().to_f64() - 2.5).abs() < 1e-15);
        assert!(Ratio::from_f64(1.5).is_err());
        assert!(Rate::from_f64(-1.0).is_err());
        assert!((QueriesPerRequest::from_f64(4.0).unwrap().to_f64() - 4.0).abs() < 1e-15);
        // A certain estimate never draws anything but its value.
        let e: Estimate<Rate> = rate(7.0).into();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
        assert!((e.sampler().draw(&mut rng) - 7.0).abs() < 1e-15);
        let flat = Estimate::range(rate(7.0), rate(7.0), rate(7.0)).unwrap();
        assert!((flat.sampler().draw(&mut rng) - 7.0).abs() < 1e-15);
        let wide = Estimate::range(rate(1.0), rate(2.0), rate(3.0)).unwrap();
        for _ in 0..100 {
            let v = wide.sampler().draw(&mut rng);
            assert!((1.0..=3.0).contains(&v), "{v}");
        }
    }

    #[test]
    fn figures_display_without_inputs() {
        let f = figure(3_u32, "a constant", vec![]);
        assert_eq!(f.to_string(), "3 = a constant");
        let f = figure(3_u32, "x + y", vec![("x", "1".into()), ("y", "2".into())]);
        assert_eq!(f.to_string(), "3 = x + y (x = 1, y = 2)");
    }

    #[test]
    fn point_inputs_give_degenerate_percentiles() {
        let u = plan_uncertain(&inputs(), 100, 7).unwrap();
        assert!((u.required_capacity.p10.as_per_second() - 4_500.0).abs() < 1e-9);
        assert!((u.required_capacity.p90.as_per_second() - 4_500.0).abs() < 1e-9);
        assert!(u.read_replicas.is_none());
    }

    #[test]
    fn draws_past_the_maximum_are_refused_before_allocating() {
        // Was: u32::MAX draws tried to allocate 34 GB and aborted.
        let inputs = PlanInputs::new(
            Rate::from_per_second(100.0).unwrap().into(),
            Rate::from_per_second(10.0).unwrap().into(),
        );
        let err = plan_uncertain(&inputs, u32::MAX, 1).unwrap_err();
        assert!(
            err.to_string().contains("draws must be in 1..=1000000"),
            "{err}"
        );
        assert!(plan_uncertain(&inputs, MAX_DRAWS, 1).is_ok());
    }

    #[test]
    fn bad_ranges_and_zero_draws_are_errors() {
        let mut i = inputs();
        i.growth = Estimate::Range {
            low: Factor::new(5.0).unwrap(),
            likely: Factor::new(3.0).unwrap(),
            high: Factor::new(6.0).unwrap(),
        };
        assert!(matches!(
            plan(&i),
            Err(Error::UnorderedRange { what: "growth", .. })
        ));
        assert!(plan_uncertain(&inputs(), 0, 1).is_err());
        let zero = PlanInputs::new(rate(1.0).into(), Rate::ZERO.into());
        assert!(plan(&zero).is_err());
    }

    proptest! {
        #[test]
        fn plan_monotone_in_load_and_growth(p1 in 1.0f64..1e5, p2 in 1.0f64..1e5, g1 in 1.0f64..1000.0, g2 in 1.0f64..1000.0) {
            let build = |p: f64, g: f64| {
                let mut i = PlanInputs::new(rate(p).into(), rate(250.0).into());
                i.growth = Factor::new(g).unwrap().into();
                i.database = Some(DatabaseInputs::new(8, QueriesPerRequest::new(3.0).unwrap().into(), Ratio::from_percent(80.0).unwrap().into(), rate(2_000.0).into()));
                i.cache = Some(CacheInputs::new(Bytes::from_gib(10.0).unwrap().into()));
                plan(&i).unwrap()
            };
            let lo = build(p1.min(p2), g1.min(g2));
            let hi_load = build(p1.max(p2), g1.min(g2));
            let hi_growth = build(p1.min(p2), g1.max(g2));
            for hi in [&hi_load, &hi_growth] {
                prop_assert!(lo.required_capacity.value <= hi.required_capacity.value);
                prop_assert!(lo.app_instances.value <= hi.app_instances.value);
                let (a, b) = (lo.database.as_ref().unwrap(), hi.database.as_ref().unwrap());
                prop_assert!(a.read_replicas.value <= b.read_replicas.value);
                // More instances share the same connections: the pooler, once needed,
                // stays needed.
                prop_assert!(a.pooler_needed <= b.pooler_needed);
            }
        }

        #[test]
        fn direct_pools_never_exceed_the_hosts_budget(peak in 1.0f64..1e6, cores in 1u32..256, max in proptest::option::of(1u32..10_000)) {
            let mut i = PlanInputs::new(rate(peak).into(), rate(250.0).into());
            let mut db = DatabaseInputs::new(cores, QueriesPerRequest::new(3.0).unwrap().into(), Ratio::from_percent(80.0).unwrap().into(), rate(2_000.0).into());
            db.max_connections = max;
            i.database = Some(db);
            let p = plan(&i).unwrap();
            let d = p.database.unwrap();
            let instances = u64::from(p.app_instances.value.get());
            let budget = u64::from(max.map_or(cores * 2 + 1, |m| m.min(cores * 2 + 1)));
            prop_assert_eq!(d.connections_per_host.value.get(), cores * 2 + 1);
            prop_assert!(d.pool_per_instance.value.get() >= 1);
            prop_assert!(!(d.pooler_needed && d.one_connection_each));
            prop_assert_eq!(
                d.one_connection_each,
                instances > 1 && instances <= budget && d.pool_per_instance.value.get() == 1
            );
            if d.pooler_needed {
                // One each is already more than the host runs well (or allows).
                prop_assert!(instances > budget);
                prop_assert_eq!(d.total_connections.value, instances);
            } else {
                prop_assert!(d.total_connections.value <= budget);
                // And no instance could hold one more without passing it.
                prop_assert!(d.total_connections.value + instances > budget);
            }
        }
    }
}
