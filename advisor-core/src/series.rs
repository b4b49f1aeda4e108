//! Samples of one metric over time, and the statistics that give the guide's vague words
//! ("consistently above", "degrading", "plateauing") a precise meaning.

use core::time::Duration;

use crate::Error;
use crate::snapshot::{Metric, UnitKind};
use crate::thresholds::Direction;
use crate::units::{Ratio, u64_to_f64};

/// One measurement of a metric.
///
/// `at` is the time of the sample as an offset from an origin the caller chooses (the Unix
/// epoch, the start of a load test); only differences between samples matter.
/// `value` is in the metric's canonical unit (see [`UnitKind`]): fractions for ratios, seconds
/// for durations, events per second for rates.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::Sample;
/// let s = Sample {
///     at: Duration::from_secs(3_600),
///     value: 0.72,
/// };
/// assert_eq!(s.value, 0.72);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(remote = "Self", deny_unknown_fields))]
pub struct Sample {
    /// When the sample was taken (file key `at_s`, seconds since the caller's origin).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "at_s", with = "crate::serde_ms::secs")
    )]
    pub at: Duration,
    /// The value, in the metric's canonical unit.
    pub value: f64,
}

/// How the series statistics read the guide's vague words; every field can be changed.
///
/// | word | meaning | fields |
/// |---|---|---|
/// | "consistently above X" | at least `consistency_share` of the samples in the last `window` are beyond X | `window`, `consistency_share`, `min_samples` |
/// | "degrading" | a Mann-Kendall trend test finds a trend in the worse direction at level `significance` (one-sided), and the Sen-slope change over the window is at least `min_relative_change` of the median | `window`, `significance`, `min_relative_change`, `min_samples` |
/// | "plateauing" | no trend at level `significance` (two-sided), or a Sen-slope change over the window below `plateau_tolerance` of the median; over the window or, failing that, over its later half (a rise that stopped: [`Series::plateau_trend`]) | `window`, `significance`, `plateau_tolerance`, `min_samples` |
///
/// Defaults (our choice; the guide gives no figures): a 24-hour window, which covers one daily
/// traffic cycle; 80% of samples for "consistently"; at least 6 samples; significance 0.05;
/// a 10% change for "degrading"; under 2% for "plateauing".
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::{SeriesConfig, units::Ratio};
/// let strict = SeriesConfig {
///     consistency_share: Ratio::from_percent(95.0)?,
///     ..SeriesConfig::default()
/// };
/// assert_eq!(strict.window, Duration::from_secs(24 * 3600));
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
///
/// # References
/// H. B. Mann, "Nonparametric tests against trend", Econometrica 13(3), 245-259, 1945;
/// M. G. Kendall, *Rank Correlation Methods*, 4th ed., Griffin, 1975 (variance of S with ties);
/// P. K. Sen, "Estimates of the regression coefficient based on Kendall's tau", JASA 63(324),
/// 1379-1389, 1968 (the slope estimator).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct SeriesConfig {
    /// How far back from the latest sample the statistics look (file key `window_s`).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "window_s", with = "crate::serde_ms::secs")
    )]
    pub window: Duration,
    /// Share of samples that must be beyond a level for "consistently".
    pub consistency_share: Ratio,
    /// Fewest samples in the window for any verdict; values below 3 count as 3.
    pub min_samples: usize,
    /// Significance level of the trend test (probability of a false alarm).
    pub significance: Ratio,
    /// Smallest change over the window, relative to the median, that counts as degrading.
    pub min_relative_change: Ratio,
    /// Largest change over the window, relative to the median, that still counts as flat.
    pub plateau_tolerance: Ratio,
}

impl Default for SeriesConfig {
    fn default() -> Self {
        SeriesConfig {
            window: Duration::from_secs(24 * 3600),
            consistency_share: Ratio::from_fraction_const(0.8),
            min_samples: 6,
            significance: Ratio::from_fraction_const(0.05),
            min_relative_change: Ratio::from_fraction_const(0.10),
            plateau_tolerance: Ratio::from_fraction_const(0.02),
        }
    }
}

impl SeriesConfig {
    fn min_samples(&self) -> usize {
        self.min_samples.max(3)
    }
}

/// The verdict of a "consistently beyond a level" test.
///
/// # Examples
/// See [`Series::sustained`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Sustained {
    /// Share of the window's samples beyond the level.
    pub share: Ratio,
    /// Samples in the window.
    pub samples: usize,
    /// The time the window's samples span (latest minus earliest).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "span_s", with = "crate::serde_ms::secs")
    )]
    pub span: Duration,
    /// Whether `share` reached the configured share.
    pub holds: bool,
}

/// Which way a series moves, as judged by a significance test.
///
/// # Examples
/// ```
/// use scalability_advisor_core::TrendDirection;
/// assert_ne!(TrendDirection::Rising, TrendDirection::Flat);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TrendDirection {
    /// A significant upward trend.
    Rising,
    /// A significant downward trend.
    Falling,
    /// No significant trend.
    Flat,
}

/// The result of a Mann-Kendall trend test with Sen's slope over a window.
///
/// # Formula
/// ```text
/// S    = Σ_{i<j} sgn(xⱼ − xᵢ)
/// σ²   = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18
/// Z    = (S − sgn(S)) / σ          (0 when S = 0)
/// β    = median over i<j, tⱼ>tᵢ of (xⱼ − xᵢ) / (tⱼ − tᵢ)
/// Δrel = β · (t_last − t_first) / |median(x)|
/// ```
/// xᵢ: sample values (canonical unit); tᵢ: sample times (s); n: samples; t_g: size of the g-th
/// group of tied values; β: Sen's slope (unit/s); Δrel: change over the window relative to
/// the median (when the median is zero, relative to the window's range; 0 for a constant
/// series).
/// Assumes independent samples; strong autocorrelation makes the test over-eager, so sample
/// no more often than the metric changes.
///
/// # Examples
/// See [`Series::trend`].
///
/// # References
/// Mann (1945), Kendall (1975), Sen (1968); see [`SeriesConfig`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Trend {
    /// Samples in the window.
    pub samples: usize,
    /// Mann-Kendall S statistic.
    pub s: i64,
    /// The normal score of S, continuity-corrected.
    pub z: f64,
    /// Two-sided p-value of "no trend".
    pub p_value: f64,
    /// Sen's slope, canonical units per second.
    pub slope_per_second: f64,
    /// Change over the window relative to the median (signed); always finite: it saturates
    /// at `±f64::MAX` when the median is so small (subnormal values) that the quotient
    /// would overflow.
    pub relative_change: f64,
    /// The direction at the configured significance.
    pub direction: TrendDirection,
}

impl Trend {
    /// Whether the series is getting worse: a one-sided significant trend in the worse
    /// `direction` with a relative change of at least `config.min_relative_change`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Direction, SeriesConfig};
    /// use scalability_advisor_core::{Metric, Series};
    /// let p95: Vec<f64> = (0..12).map(|h| 0.30 + 0.04 * f64::from(h)).collect();
    /// let s = Series::from_values(Metric::P95ResponseTime, Duration::from_secs(3_600), &p95)?;
    /// let cfg = SeriesConfig::default();
    /// assert!(s.trend(&cfg)?.is_degrading(Direction::LowerIsBetter, &cfg));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn is_degrading(&self, direction: Direction, config: &SeriesConfig) -> bool {
        let worse_sign = match direction {
            Direction::LowerIsBetter => 1.0,
            Direction::HigherIsBetter => -1.0,
        };
        let one_sided_p = normal_upper_tail(worse_sign * self.z);
        one_sided_p < config.significance.as_fraction()
            && worse_sign * self.relative_change >= config.min_relative_change.as_fraction()
    }

    /// Whether the series is flat: no significant trend (two-sided), or a relative change
    /// below `config.plateau_tolerance`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::SeriesConfig;
    /// use scalability_advisor_core::{Metric, Series};
    /// let hit = [0.72, 0.73, 0.72, 0.72, 0.73, 0.72, 0.72, 0.72];
    /// let s = Series::from_values(Metric::CacheHitRate, Duration::from_secs(3_600), &hit)?;
    /// let cfg = SeriesConfig::default();
    /// assert!(s.trend(&cfg)?.is_plateau(&cfg));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn is_plateau(&self, config: &SeriesConfig) -> bool {
        self.p_value >= config.significance.as_fraction()
            || self.relative_change.abs() < config.plateau_tolerance.as_fraction()
    }
}

/// A time-ordered series of samples of one metric.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::{Direction, Metric, Series, SeriesConfig, units::Ratio};
///
/// // Hourly DB CPU over a day: above 70% in 20 of 24 hours.
/// let values: Vec<f64> = (0..24).map(|h| if h < 4 { 0.55 } else { 0.78 }).collect();
/// let cpu = Series::from_values(Metric::DbCpu, Duration::from_secs(3_600), &values)?;
/// let verdict =
///     cpu.sustained(0.70, Direction::LowerIsBetter, &SeriesConfig::default())?;
/// assert!(verdict.holds); // 20 / 24 = 83% >= 80%
/// assert_eq!(cpu.latest().value, 0.78);
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SeriesRepr", into = "SeriesRepr"))]
pub struct Series {
    metric: Metric,
    samples: Vec<Sample>,
    /// The last trend computed, so that the triggers, the ladders and the rules of one run
    /// share one computation.
    memo: TrendMemo,
}

/// The first trend a series computes, with the window and significance it was computed for.
/// Not part of the series' value: clones copy it, comparisons ignore it.
#[derive(Default)]
struct TrendMemo(std::sync::OnceLock<(Duration, u64, Trend)>);

impl Clone for TrendMemo {
    fn clone(&self) -> Self {
        let memo = TrendMemo::default();
        if let Some(v) = self.0.get() {
            let _ = memo.0.set(*v);
        }
        memo
    }
}

impl PartialEq for TrendMemo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl core::fmt::Debug for TrendMemo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("TrendMemo")
    }
}

impl Series {
    /// The most samples a series holds: 2^20 = 1,048,576, twelve days at one sample a second.
    /// Every statistic of a series of this size takes well under a second (the trend test,
    /// the costliest, is O(n log n) in time and O(n) in memory).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Error, Metric, Series};
    /// let too_many = vec![0.5; Series::MAX_SAMPLES + 1];
    /// let err = Series::from_values(Metric::DbCpu, Duration::from_secs(1), &too_many);
    /// assert!(matches!(err, Err(Error::TooManySamples { .. })));
    /// ```
    pub const MAX_SAMPLES: usize = 1 << 20;

    /// Builds a series from samples in time order.
    ///
    /// # Errors
    /// - [`Error::EmptySeries`] without samples;
    /// - [`Error::TooManySamples`] past [`Series::MAX_SAMPLES`];
    /// - [`Error::UnorderedSamples`] when a sample is earlier than the one before it;
    /// - [`Error::DuplicateSample`] when two samples are at the same instant (one value per
    ///   instant: a burst of samples at one time would make "sustained" hold over no time);
    /// - the errors of the metric's unit for a value out of its domain: [`Error::NotFinite`],
    ///   [`Error::Negative`], or [`Error::OutOfRange`] for a ratio outside `0..=1` or a flag
    ///   other than 0 or 1.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Sample, Series};
    /// let at = |s| Duration::from_secs(s);
    /// let lag = Series::new(
    ///     Metric::ReplicaLag,
    ///     vec![
    ///         Sample {
    ///             at: at(0),
    ///             value: 0.4,
    ///         },
    ///         Sample {
    ///             at: at(60),
    ///             value: 0.6,
    ///         },
    ///     ],
    /// )?;
    /// assert_eq!(lag.len(), 2);
    /// assert!(
    ///     Series::new(
    ///         Metric::DbCpu,
    ///         vec![Sample {
    ///             at: at(0),
    ///             value: 1.4
    ///         }]
    ///     )
    ///     .is_err()
    /// );
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn new(metric: Metric, samples: Vec<Sample>) -> Result<Self, Error> {
        let what = metric.name();
        if samples.is_empty() {
            return Err(Error::EmptySeries { what });
        }
        if samples.len() > Self::MAX_SAMPLES {
            return Err(Error::TooManySamples {
                what,
                max: Self::MAX_SAMPLES,
                got: samples.len(),
            });
        }
        let mut cleaned = samples;
        for s in &mut cleaned {
            s.value = validate_value(metric, s.value)?;
        }
        if let Some(i) = cleaned.windows(2).position(|w| w[1].at <= w[0].at) {
            let index = i + 1;
            return Err(if cleaned[index].at == cleaned[i].at {
                Error::DuplicateSample { what, index }
            } else {
                Error::UnorderedSamples { what, index }
            });
        }
        Ok(Series {
            metric,
            samples: cleaned,
            memo: TrendMemo::default(),
        })
    }

    /// Builds a series of evenly spaced values, the first at time zero.
    ///
    /// # Errors
    /// As [`Series::new`], plus [`Error::Overflow`] when the times exceed [`Duration::MAX`].
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Series};
    /// let hit = Series::from_values(
    ///     Metric::CacheHitRate,
    ///     Duration::from_secs(60),
    ///     &[0.81, 0.82, 0.82],
    /// )?;
    /// assert_eq!(hit.latest().at, Duration::from_secs(120));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn from_values(metric: Metric, interval: Duration, values: &[f64]) -> Result<Self, Error> {
        if values.len() > Self::MAX_SAMPLES {
            return Err(Error::TooManySamples {
                what: metric.name(),
                max: Self::MAX_SAMPLES,
                got: values.len(),
            });
        }
        let mut samples = Vec::with_capacity(values.len());
        for (i, &value) in values.iter().enumerate() {
            let i = u32::try_from(i).map_err(|_| Error::Overflow {
                what: "series length",
            })?;
            let at = interval.checked_mul(i).ok_or(Error::Overflow {
                what: "sample time",
            })?;
            samples.push(Sample { at, value });
        }
        Series::new(metric, samples)
    }

    /// The metric sampled.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Series};
    /// let s = Series::from_values(Metric::DbCpu, Duration::from_secs(60), &[0.5, 0.6])?;
    /// assert_eq!(s.metric(), Metric::DbCpu);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// All samples, in time order.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Series};
    /// let s = Series::from_values(Metric::DbCpu, Duration::from_secs(60), &[0.5, 0.6])?;
    /// assert_eq!(s.samples()[1].at, Duration::from_secs(60));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// The number of samples (at least one).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Series};
    /// let s = Series::from_values(Metric::DbCpu, Duration::from_secs(60), &[0.5, 0.6, 0.7])?;
    /// assert_eq!(s.len(), 3);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Always `false`: a series holds at least one sample.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Series};
    /// let s = Series::from_values(Metric::DbCpu, Duration::from_secs(60), &[0.5])?;
    /// assert!(!s.is_empty());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The most recent sample.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Series};
    /// let s = Series::from_values(Metric::DbCpu, Duration::from_secs(60), &[0.5, 0.9])?;
    /// assert_eq!(s.latest().value, 0.9);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn latest(&self) -> Sample {
        // Cannot fail: the constructor rejects empty series.
        self.samples[self.samples.len() - 1]
    }

    /// The samples no older than `window` before the latest one (no allocation).
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Series};
    /// let s = Series::from_values(
    ///     Metric::DbCpu,
    ///     Duration::from_secs(60),
    ///     &[0.1, 0.2, 0.3, 0.4],
    /// )?;
    /// assert_eq!(s.window(Duration::from_secs(120)).len(), 3);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn window(&self, window: Duration) -> &[Sample] {
        let start = self.latest().at.saturating_sub(window);
        let first = self.samples.partition_point(|s| s.at < start);
        &self.samples[first..]
    }

    /// The arithmetic mean of the values in the window.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Series};
    /// let s = Series::from_values(Metric::DbCpu, Duration::from_secs(60), &[0.2, 0.4, 0.6])?;
    /// assert!((s.mean(Duration::MAX) - 0.4).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn mean(&self, window: Duration) -> f64 {
        let w = self.window(window);
        // Summing values already validated as finite cannot overflow for realistic lengths;
        // the division keeps the result in the values' range.
        w.iter().map(|s| s.value).sum::<f64>() / usize_to_f64(w.len())
    }

    /// The `p`-quantile of the values in the window, interpolated linearly between order
    /// statistics (Hyndman and Fan's definition 7, the default of R and NumPy).
    ///
    /// # Formula
    /// ```text
    /// h = (n − 1) · p;  Q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋) · (x₍⌊h⌋+1₎ − x₍⌊h⌋₎)
    /// ```
    /// x₍ₖ₎: the k-th smallest value (0-based); n: samples in the window; p in `0..=1`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Series, units::Ratio};
    /// let s = Series::from_values(
    ///     Metric::P95ResponseTime,
    ///     Duration::from_secs(60),
    ///     &[0.1, 0.4, 0.2, 0.3],
    /// )?;
    /// // Sorted: 0.1 0.2 0.3 0.4; h = 3 · 0.5 = 1.5 -> 0.25.
    /// assert!((s.percentile(Duration::MAX, Ratio::from_percent(50.0)?) - 0.25).abs() < 1e-12);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    ///
    /// # References
    /// R. J. Hyndman and Y. Fan, "Sample Quantiles in Statistical Packages", The American
    /// Statistician 50(4), 361-365, 1996, definition 7.
    #[must_use]
    pub fn percentile(&self, window: Duration, p: Ratio) -> f64 {
        let mut values: Vec<f64> = self.window(window).iter().map(|s| s.value).collect();
        values.sort_by(f64::total_cmp);
        quantile_sorted(&values, p.as_fraction())
    }

    /// The share of the window's samples strictly beyond `level` in the worse `direction`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Direction, Metric, Series};
    /// let s = Series::from_values(
    ///     Metric::DbCpu,
    ///     Duration::from_secs(60),
    ///     &[0.6, 0.75, 0.8, 0.9],
    /// )?;
    /// assert_eq!(
    ///     s.share_beyond(0.7, Direction::LowerIsBetter, Duration::MAX)
    ///         .as_percent(),
    ///     75.0
    /// );
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    pub fn share_beyond(&self, level: f64, direction: Direction, window: Duration) -> Ratio {
        let w = self.window(window);
        let beyond = w
            .iter()
            .filter(|s| direction.is_worse(s.value, level))
            .count();
        share(beyond, w.len())
    }

    /// Tests "consistently beyond `level`": at least `config.consistency_share` of the samples
    /// in the last `config.window` are strictly beyond it in the worse `direction`.
    ///
    /// # Errors
    /// [`Error::TooFewSamples`] when the window holds fewer than `config.min_samples`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Direction, Metric, Series, SeriesConfig};
    /// let s = Series::from_values(
    ///     Metric::DbCpu,
    ///     Duration::from_secs(3_600),
    ///     &[0.72, 0.75, 0.6, 0.8, 0.81, 0.9],
    /// )?;
    /// let v = s.sustained(0.70, Direction::LowerIsBetter, &SeriesConfig::default())?;
    /// assert_eq!((v.share.as_fraction() * 6.0).round(), 5.0);
    /// assert!(v.holds); // 5 of 6 = 83% >= 80%
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn sustained(
        &self,
        level: f64,
        direction: Direction,
        config: &SeriesConfig,
    ) -> Result<Sustained, Error> {
        let w = self.checked_window(config)?;
        let beyond = w
            .iter()
            .filter(|s| direction.is_worse(s.value, level))
            .count();
        let share = share(beyond, w.len());
        Ok(Sustained {
            share,
            samples: w.len(),
            span: span(w),
            holds: share >= config.consistency_share,
        })
    }

    /// Runs the Mann-Kendall trend test with Sen's slope over the window (see [`Trend`]).
    ///
    /// Costs O(n log n) time and O(n) memory in the window's sample count n (about 45 ms
    /// and 16 MB for a day of one-second samples, 86,400; see the `trend` module notes in
    /// the source for the method). The first result is kept with the series, so asking
    /// again with the same window and significance costs nothing.
    ///
    /// # Errors
    /// [`Error::TooFewSamples`] when the window holds fewer than `config.min_samples`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{
    ///     Direction, Metric, Series, SeriesConfig, TrendDirection,
    /// };
    /// let p95: Vec<f64> = (0..12).map(|h| 0.40 + 0.02 * f64::from(h)).collect();
    /// let s = Series::from_values(Metric::P95ResponseTime, Duration::from_secs(3_600), &p95)?;
    /// let t = s.trend(&SeriesConfig::default())?;
    /// assert_eq!(t.direction, TrendDirection::Rising);
    /// assert!(t.is_degrading(Direction::LowerIsBetter, &SeriesConfig::default()));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn trend(&self, config: &SeriesConfig) -> Result<Trend, Error> {
        let w = self.checked_window(config)?;
        let alpha = config.significance.as_fraction();
        if let Some((window, a, t)) = self.memo.0.get()
            && *window == config.window
            && *a == alpha.to_bits()
        {
            return Ok(*t);
        }
        let t = mann_kendall(w, alpha);
        let _ = self.memo.0.set((config.window, alpha.to_bits(), t));
        Ok(t)
    }

    /// The trend that decides "plateauing", with the samples it reads: the window's
    /// ([`Series::trend`]) when it is flat, else its later half's when that is flat, else
    /// the window's again. The later half holds the samples from the midpoint of the
    /// window's span on, and is read only when it holds at least `config.min_samples`. A
    /// rate that rose and then stopped rising has levelled off: over the whole window the
    /// rise is a trend, and the flat stretch after it is what the guide calls a plateau
    /// ("cache hit rate plateauing despite optimization": the tuning raised it, then it
    /// stopped). The caller's evidence describes the samples returned.
    ///
    /// Costs at most two trend tests (O(n log n) each).
    ///
    /// # Errors
    /// [`Error::TooFewSamples`] when the window holds fewer than `config.min_samples`.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::{Metric, Series, SeriesConfig};
    /// // Twelve hours climbing from 60% to 71%, then twelve flat at 72%.
    /// let hit: Vec<f64> = (0..24)
    ///     .map(|h| if h < 12 { 0.60 + 0.01 * f64::from(h) } else { 0.72 })
    ///     .collect();
    /// let s = Series::from_values(Metric::CacheHitRate, Duration::from_secs(3_600), &hit)?;
    /// let cfg = SeriesConfig::default();
    /// assert!(!s.trend(&cfg)?.is_plateau(&cfg));
    /// let (t, read) = s.plateau_trend(&cfg)?;
    /// assert!(t.is_plateau(&cfg));
    /// assert_eq!(read.len(), 12); // 12 h to 23 h: from the span's midpoint, 11.5 h, on
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn plateau_trend(&self, config: &SeriesConfig) -> Result<(Trend, &[Sample]), Error> {
        let whole = self.trend(config)?;
        let w = self.window(config.window);
        if whole.is_plateau(config) {
            return Ok((whole, w));
        }
        let (Some(first), Some(last)) = (w.first(), w.last()) else {
            return Ok((whole, w));
        };
        let mid = first.at + last.at.saturating_sub(first.at) / 2;
        let half = &w[w.partition_point(|s| s.at < mid)..];
        if half.len() < config.min_samples() {
            return Ok((whole, w));
        }
        let t = mann_kendall(half, config.significance.as_fraction());
        Ok(if t.is_plateau(config) {
            (t, half)
        } else {
            (whole, w)
        })
    }

    fn checked_window(&self, config: &SeriesConfig) -> Result<&[Sample], Error> {
        let w = self.window(config.window);
        let needed = config.min_samples();
        if w.len() < needed {
            return Err(Error::TooFewSamples {
                what: self.metric.name(),
                needed,
                got: w.len(),
            });
        }
        Ok(w)
    }
}

/// Series of several metrics, at most one per metric.
///
/// # Examples
/// ```
/// use core::time::Duration;
/// use scalability_advisor_core::{History, Metric, Series};
/// let mut h = History::new();
/// h.insert(Series::from_values(
///     Metric::DbCpu,
///     Duration::from_secs(60),
///     &[0.5, 0.6],
/// )?);
/// assert!(h.get(Metric::DbCpu).is_some());
/// assert!(h.get(Metric::ReplicaLag).is_none());
/// # Ok::<(), scalability_advisor_core::Error>(())
/// ```
///
/// Read from JSON (feature `serde`), a list of series with at most one per metric: a second
/// series of a metric is refused ([`Error::DuplicateSeries`]) rather than shadowing the first.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct History {
    #[cfg_attr(feature = "serde", serde(deserialize_with = "one_series_per_metric"))]
    series: Vec<Series>,
}

#[cfg(feature = "serde")]
fn one_series_per_metric<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Series>, D::Error> {
    let series = <Vec<Series> as serde::Deserialize>::deserialize(d)?;
    let mut seen = 0u64;
    for s in &series {
        let bit = 1u64 << s.metric.index();
        if seen & bit != 0 {
            return Err(serde::de::Error::custom(Error::DuplicateSeries {
                what: s.metric.name(),
            }));
        }
        seen |= bit;
    }
    Ok(series)
}

impl History {
    /// Reads series from CSV text with rows `metric,at_s,value`: the metric's name, the
    /// sample's time in seconds since any origin, and its value in the metric's canonical
    /// unit (fractions for ratios, seconds for durations). A header row `metric,at_s,value`,
    /// empty lines, lines starting with `#` and a leading byte-order mark are allowed; each
    /// metric's rows must be in time order, but metrics may interleave.
    ///
    /// One pass over the text; every value is checked where it is written.
    ///
    /// # Errors
    /// [`Error::CsvRow`] naming the line and column of the first wrong row (a wrong column
    /// count, an unknown metric, a time or value that is not a number, a value outside the
    /// metric's domain, a time earlier than or equal to the metric's previous one);
    /// [`Error::TooManySamples`] past [`Series::MAX_SAMPLES`] for one metric.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::{Error, History, Metric};
    /// let h = History::from_csv("metric,at_s,value\ndb_cpu,0,0.61\ndb_cpu,60,0.64\nreplica_lag,0,1.5\n")?;
    /// assert_eq!(h.get(Metric::DbCpu).map(|s| s.len()), Some(2));
    /// let err = History::from_csv("db_cpu,0,0.5\ndb_cpu,60,1.5\n").unwrap_err();
    /// assert!(matches!(err, Error::CsvRow { line: 2, column: 3, .. }));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn from_csv(text: &str) -> Result<History, Error> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut by_metric: Vec<Vec<Sample>> = vec![Vec::new(); Metric::ALL.len()];
        let mut first_row = true;
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let row = line.trim();
            if row.is_empty() || row.starts_with('#') {
                continue;
            }
            if first_row {
                first_row = false;
                let compact: String = row.chars().filter(|c| !c.is_whitespace()).collect();
                if compact.starts_with("metric,at_s") {
                    continue;
                }
            }
            let bad = |column: usize, message: String| Error::CsvRow {
                line: line_no,
                column,
                message,
            };
            let mut cells = row.split(',').map(str::trim);
            let (Some(name), Some(t), Some(v), None) =
                (cells.next(), cells.next(), cells.next(), cells.next())
            else {
                let count = row.split(',').count();
                return Err(bad(
                    1,
                    format!("expected 3 columns `metric,at_s,value`, got {count}"),
                ));
            };
            let metric = Metric::from_name(name).ok_or_else(|| {
                bad(
                    1,
                    format!("unknown metric `{name}`; the names are those of the snapshot's keys"),
                )
            })?;
            let secs: f64 = t
                .parse()
                .map_err(|_| bad(2, format!("`{t}` is not a number of seconds")))?;
            let at = crate::units::duration_from_secs("at_s", secs)
                .map_err(|e| bad(2, e.to_string()))?;
            let value: f64 = v
                .parse()
                .map_err(|_| bad(3, format!("`{v}` is not a number")))?;
            let value = validate_value(metric, value).map_err(|e| bad(3, e.to_string()))?;
            let samples = &mut by_metric[metric.index()];
            match samples.last() {
                Some(last) if at < last.at => {
                    return Err(bad(
                        2,
                        format!(
                            "{} at {secs} s is earlier than its previous row; sort each metric's rows by time",
                            metric.name()
                        ),
                    ));
                }
                Some(last) if at == last.at => {
                    return Err(bad(
                        2,
                        format!(
                            "{} has two rows at {secs} s; keep one row per instant, for example their mean",
                            metric.name()
                        ),
                    ));
                }
                _ => {}
            }
            if samples.len() == Series::MAX_SAMPLES {
                return Err(Error::TooManySamples {
                    what: metric.name(),
                    max: Series::MAX_SAMPLES,
                    got: samples.len() + 1,
                });
            }
            samples.push(Sample { at, value });
        }
        let mut history = History::new();
        for (metric, samples) in Metric::ALL.iter().zip(by_metric) {
            if !samples.is_empty() {
                history.insert(Series::new(*metric, samples)?);
            }
        }
        Ok(history)
    }

    /// An empty history.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::History;
    /// assert!(History::new().is_empty());
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        History { series: Vec::new() }
    }

    /// Adds a series, replacing any earlier series of the same metric; returns the replaced one.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::History;
    /// use scalability_advisor_core::{Metric, Series};
    /// let mut h = History::new();
    /// assert!(
    ///     h.insert(Series::from_values(
    ///         Metric::DbCpu,
    ///         Duration::from_secs(60),
    ///         &[0.5]
    ///     )?)
    ///     .is_none()
    /// );
    /// // A second series of the same metric replaces the first.
    /// assert!(
    ///     h.insert(Series::from_values(
    ///         Metric::DbCpu,
    ///         Duration::from_secs(60),
    ///         &[0.9]
    ///     )?)
    ///     .is_some()
    /// );
    /// assert_eq!(h.get(Metric::DbCpu).map(|s| s.latest().value), Some(0.9));
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn insert(&mut self, series: Series) -> Option<Series> {
        match self.series.iter_mut().find(|s| s.metric == series.metric) {
            Some(slot) => Some(core::mem::replace(slot, series)),
            None => {
                self.series.push(series);
                None
            }
        }
    }

    /// The series of `metric`, if any.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::History;
    /// use scalability_advisor_core::{Metric, Series};
    /// let h: History = [Series::from_values(
    ///     Metric::ReplicaLag,
    ///     Duration::from_secs(60),
    ///     &[0.2],
    /// )?]
    /// .into_iter()
    /// .collect();
    /// assert!(h.get(Metric::ReplicaLag).is_some());
    /// assert!(h.get(Metric::DbCpu).is_none());
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    #[must_use]
    #[inline] // (the engine reads it for each series rule: inlined, an empty history costs a compare)
    pub fn get(&self, metric: Metric) -> Option<&Series> {
        self.series.iter().find(|s| s.metric == metric)
    }

    /// All series, in insertion order.
    ///
    /// # Examples
    /// ```
    /// use core::time::Duration;
    /// use scalability_advisor_core::History;
    /// use scalability_advisor_core::{Metric, Series};
    /// let h: History = [Series::from_values(
    ///     Metric::ReplicaLag,
    ///     Duration::from_secs(60),
    ///     &[0.2],
    /// )?]
    /// .into_iter()
    /// .collect();
    /// assert_eq!(h.iter().count(), 1);
    /// # Ok::<(), scalability_advisor_core::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &Series> {
        self.series.iter()
    }

    /// Whether no series is held.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_core::History;
    /// assert!(History::new().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }
}

impl FromIterator<Series> for History {
    fn from_iter<I: IntoIterator<Item = Series>>(iter: I) -> Self {
        let mut h = History::new();
        for s in iter {
            h.insert(s);
        }
        h
    }
}

/// Validates a sample value for a metric's unit and maps `-0.0` to `0.0`.
fn validate_value(metric: Metric, value: f64) -> Result<f64, Error> {
    let what = metric.name();
    if !value.is_finite() {
        return Err(Error::NotFinite { what, value });
    }
    // -0.0 is 0.0 (a flag sample of -0.0 means "no").
    let value = value + 0.0;
    match metric.unit() {
        UnitKind::Ratio if !(0.0..=1.0).contains(&value) => Err(Error::OutOfRange {
            what,
            value,
            min: 0.0,
            max: 1.0,
        }),
        UnitKind::Flag if !(value.total_cmp(&0.0).is_eq() || value.total_cmp(&1.0).is_eq()) => {
            Err(Error::OutOfRange {
                what,
                value,
                min: 0.0,
                max: 1.0,
            })
        }
        _ if value < 0.0 => Err(Error::Negative { what, value }),
        _ => Ok(value),
    }
}

fn usize_to_f64(n: usize) -> f64 {
    u64_to_f64(n as u64)
}

fn share(part: usize, whole: usize) -> Ratio {
    if whole == 0 {
        return Ratio::ZERO;
    }
    Ratio::from_fraction(usize_to_f64(part) / usize_to_f64(whole)).unwrap_or(Ratio::ONE)
}

fn span(w: &[Sample]) -> Duration {
    match (w.first(), w.last()) {
        (Some(a), Some(b)) => b.at.saturating_sub(a.at),
        _ => Duration::ZERO,
    }
}

/// Quantile of sorted, non-empty values (type 7).
fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return 0.0;
    };
    let h = usize_to_f64(sorted.len() - 1) * p;
    let lo = h.floor();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "0 <= lo <= len - 1"
    )]
    let i = lo as usize;
    match sorted.get(i + 1) {
        Some(&next) => sorted[i] + (h - lo) * (next - sorted[i]),
        None => last,
    }
}

/// Upper tail of the standard normal distribution, P(Z > z).
fn normal_upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z / core::f64::consts::SQRT_2)
}

fn mann_kendall(w: &[Sample], alpha: f64) -> Trend {
    let n = w.len();
    // Both in O(n log n) time and O(n) memory; see `trend.rs`.
    let (s, values) = crate::trend::kendall_s(&w.iter().map(|x| x.value).collect::<Vec<_>>());
    let slope = crate::trend::sen_slope(w);
    let nf = usize_to_f64(n);
    let mut var = nf * (nf - 1.0) * (2.0 * nf + 5.0);
    // Each group of t tied values removes t(t − 1)(2t + 5).
    for ties in values.chunk_by(|a, b| a.total_cmp(b).is_eq()) {
        let t = usize_to_f64(ties.len());
        var -= t * (t - 1.0) * (2.0 * t + 5.0);
    }
    var /= 18.0;
    let sf = i64_to_f64(s);
    let z = if s == 0 || var <= 0.0 {
        0.0
    } else {
        (sf - sf.signum()) / var.sqrt()
    };
    let p_value = (2.0 * normal_upper_tail(z.abs())).min(1.0);
    // Values are never negative (see `validate_value`), so a zero median means the smallest
    // value is zero and the range is the largest value.
    let median = quantile_sorted(&values, 0.5);
    let scale = if median > 0.0 { median } else { values[n - 1] };
    let change = slope * span(w).as_secs_f64();
    // (A scale so small that the quotient overflows, subnormal values, saturates at the
    // largest finite change of the same sign.)
    let relative_change = if scale > 0.0 {
        let r = change / scale;
        if r.is_finite() {
            r
        } else {
            f64::MAX.copysign(r)
        }
    } else {
        0.0
    };
    let direction = if p_value >= alpha {
        TrendDirection::Flat
    } else if z > 0.0 {
        TrendDirection::Rising
    } else {
        TrendDirection::Falling
    };
    Trend {
        samples: n,
        s,
        z,
        p_value,
        slope_per_second: slope,
        relative_change,
        direction,
    }
}

#[expect(clippy::cast_precision_loss, reason = "|S| <= n²/2, exact below 2^53")]
fn i64_to_f64(v: i64) -> f64 {
    v as f64
}

/// The serialized form of a [`Series`]: `{ "metric": "db_cpu", "samples": [...] }`.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
struct SeriesRepr {
    metric: Metric,
    samples: Vec<Sample>,
}

#[cfg(feature = "serde")]
map_only!(SeriesRepr, "a series: a table with `metric` and `samples`");

#[cfg(feature = "serde")]
map_only!(Sample, "a sample: a table with `at_s` and `value`");

#[cfg(feature = "serde")]
impl TryFrom<SeriesRepr> for Series {
    type Error = Error;
    fn try_from(r: SeriesRepr) -> Result<Self, Error> {
        Series::new(r.metric, r.samples)
    }
}

#[cfg(feature = "serde")]
impl From<Series> for SeriesRepr {
    fn from(s: Series) -> Self {
        SeriesRepr {
            metric: s.metric,
            samples: s.samples,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn csv_rows_are_read_and_refused_where_they_are() {
        let text = "\u{feff}metric, at_s, value\n# a comment\n\ndb_cpu,0,0.5\nreplica_lag,0,1.5\ndb_cpu,60,0.55\n";
        let h = History::from_csv(text).unwrap();
        let cpu = h.get(Metric::DbCpu).unwrap();
        assert_eq!(
            cpu.samples().iter().map(|s| s.value).collect::<Vec<_>>(),
            [0.5, 0.55]
        );
        assert_eq!(cpu.latest().at, Duration::from_secs(60));
        assert_eq!(h.get(Metric::ReplicaLag).unwrap().len(), 1);
        #[track_caller]
        fn refused(text: &str, line: usize, column: usize, says: &str) {
            match History::from_csv(text) {
                Err(Error::CsvRow {
                    line: l,
                    column: c,
                    message,
                }) => {
                    assert_eq!((l, c), (line, column), "{message}");
                    assert!(message.contains(says), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }
        refused("db_cpu,0\n", 1, 1, "expected 3 columns");
        refused("db_cpu,0,0.5,9\n", 1, 1, "got 4");
        refused("db_cpuu,0,0.5\n", 1, 1, "unknown metric `db_cpuu`");
        refused(
            "db_cpu,soon,0.5\n",
            1,
            2,
            "`soon` is not a number of seconds",
        );
        refused("db_cpu,-1,0.5\n", 1, 2, "at_s");
        refused("db_cpu,0,high\n", 1, 3, "`high` is not a number");
        refused("db_cpu,0,1.5\n", 1, 3, "db_cpu must be in 0..=1");
        refused(
            "db_cpu,60,0.5\ndb_cpu,0,0.5\n",
            2,
            2,
            "earlier than its previous row",
        );
        // Only the first non-empty row may be a header.
        refused(
            "db_cpu,0,0.5\nmetric,at_s,value\n",
            2,
            1,
            "unknown metric `metric`",
        );
        assert!(History::from_csv("").unwrap().is_empty());
    }

    #[test]
    fn a_kept_trend_is_used_only_for_its_own_window_and_significance() {
        // Falling for 12 hours, then rising for 6: over 18 h the fall wins, over 6 h the rise.
        let values: Vec<f64> = (0..12)
            .map(|h| 0.9 - 0.05 * f64::from(h))
            .chain((0..6).map(|h| 0.3 + 0.1 * f64::from(h)))
            .collect();
        let s = Series::from_values(Metric::DbCpu, Duration::from_secs(3_600), &values).unwrap();
        let all = SeriesConfig {
            window: Duration::from_secs(18 * 3_600),
            min_samples: 3,
            ..SeriesConfig::default()
        };
        let recent = SeriesConfig {
            window: Duration::from_secs(5 * 3_600),
            ..all
        };
        let first = s.trend(&all).unwrap();
        assert_eq!(s.trend(&all).unwrap(), first);
        let fresh = mann_kendall(s.window(recent.window), recent.significance.as_fraction());
        assert_eq!(s.trend(&recent).unwrap(), fresh);
        assert!(first.s < 0 && fresh.s > 0, "{first:?} {fresh:?}");
        // A clone carries the kept trend; equality ignores it.
        let copy = s.clone();
        assert_eq!(copy.trend(&all).unwrap(), first);
        let untouched =
            Series::from_values(Metric::DbCpu, Duration::from_secs(3_600), &values).unwrap();
        assert_eq!(untouched, s);
    }

    const TOL: f64 = 1e-3;

    fn hourly(metric: Metric, values: &[f64]) -> Series {
        Series::from_values(metric, Duration::from_secs(3600), values).unwrap()
    }

    #[test]
    fn mann_kendall_matches_hand_calculation() {
        // Values 1 3 2 4 5 at t = 0..4 s.
        // Pairs: 9 increases, 1 decrease -> S = 8. Var(S) = 5·4·15/18 = 16.667.
        // Z = (8 - 1) / 4.0825 = 1.7146; two-sided p = 2 · (1 - Φ(1.7146)) = 0.0864.
        // Sen: median of the 10 pairwise slopes {-1, .5, .5, .667, 1, 1, 1, 1.5, 2, 2} = 1.
        let s = Series::from_values(
            Metric::DbCpu,
            Duration::from_secs(1),
            &[0.1, 0.3, 0.2, 0.4, 0.5],
        )
        .unwrap();
        let cfg = SeriesConfig {
            min_samples: 5,
            ..SeriesConfig::default()
        };
        let t = s.trend(&cfg).unwrap();
        assert_eq!(t.s, 8);
        assert!((t.z - 1.7146).abs() < TOL, "{}", t.z);
        assert!((t.p_value - 0.0864).abs() < TOL, "{}", t.p_value);
        assert!((t.slope_per_second - 0.1).abs() < 1e-12);
        // Change over the 4 s window: 0.1 · 4 = 0.4, relative to the median 0.3: 4/3.
        assert!(
            (t.relative_change - 4.0 / 3.0).abs() < 1e-12,
            "{}",
            t.relative_change
        );
        // Not significant at 0.05 two-sided, so flat.
        assert_eq!(t.direction, TrendDirection::Flat);
    }

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "the expected values are exact in binary floating point"
    )]
    fn balanced_series_has_zero_statistic_and_p_one() {
        // 1 2 2 1: pairs (1,2)+ (1,2)+ (1,1)0 (2,2)0 (2,1)- (2,1)- -> S = 0, yet Var(S) > 0
        // because the values are not all tied. With S = 0 the continuity-corrected Z is 0
        // (not -1/sd), so the two-sided p-value is exactly 1 and the verdict is flat.
        let s = Series::from_values(Metric::DbCpu, Duration::from_secs(1), &[0.1, 0.2, 0.2, 0.1])
            .unwrap();
        let cfg = SeriesConfig {
            min_samples: 4,
            ..SeriesConfig::default()
        };
        let t = s.trend(&cfg).unwrap();
        assert_eq!(t.s, 0);
        assert_eq!(t.z, 0.0);
        assert_eq!(t.p_value, 1.0);
        assert_eq!(t.direction, TrendDirection::Flat);
    }

    #[test]
    fn samples_at_one_instant_are_refused() {
        // Two samples at t = 0: one value per instant, or "sustained" could hold over no time.
        let at = Duration::from_secs;
        let err = Series::new(
            Metric::DbCpu,
            vec![
                Sample {
                    at: at(0),
                    value: 0.1,
                },
                Sample {
                    at: at(0),
                    value: 0.2,
                },
                Sample {
                    at: at(1),
                    value: 0.3,
                },
            ],
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::DuplicateSample {
                what: "db_cpu",
                index: 1
            }
        );
        assert!(err.to_string().contains("samples 0 and 1"), "{err}");
        // From CSV too, with its line.
        let err = History::from_csv("db_cpu,0,0.1\ndb_cpu,0,0.2\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("line 2, column 2: db_cpu has two rows at 0 s"),
            "{err}"
        );
    }

    #[test]
    fn zero_median_scales_change_by_the_range() {
        // In units of 0.1: values 0 0 0 0 1 2 at t = 0..5 s. The median is 0, so the change is
        // scaled by the range, 2. The 15 pairwise slopes: 6 zeros among the zeros; zero -> 1
        // over 4, 3, 2, 1 s: 0.25 0.333 0.5 1; zero -> 2 over 5, 4, 3, 2 s: 0.4 0.5 0.667 1;
        // 1 -> 2 over 1 s: 1. Sorted, the 8th is 0.333 (units/s) = 0.1/3 per second.
        // Change over 5 s: 1.667 units; relative to the range of 2 units: 5/6.
        let s = Series::from_values(
            Metric::DbCpu,
            Duration::from_secs(1),
            &[0.0, 0.0, 0.0, 0.0, 0.1, 0.2],
        )
        .unwrap();
        let t = s.trend(&SeriesConfig::default()).unwrap();
        assert!(
            (t.slope_per_second - 0.1 / 3.0).abs() < 1e-12,
            "{}",
            t.slope_per_second
        );
        assert!(
            (t.relative_change - 5.0 / 6.0).abs() < 1e-9,
            "{}",
            t.relative_change
        );
    }

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "the expected values are exact in binary floating point"
    )]
    fn quantiles_interpolate_between_order_statistics() {
        // Type 7: h = (n - 1) p; x[floor h] + frac(h) (x[floor h + 1] - x[floor h]).
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile_sorted(&[10.0, 20.0], 0.25), 12.5);
        assert_eq!(quantile_sorted(&[10.0, 20.0, 40.0], 0.75), 30.0);
        assert_eq!(quantile_sorted(&[10.0, 20.0, 40.0], 1.0), 40.0);
        assert_eq!(quantile_sorted(&[10.0, 20.0, 40.0], 0.0), 10.0);
        assert_eq!(quantile_sorted(&[7.0], 0.3), 7.0);
        assert_eq!(quantile_sorted(&[], 0.3), 0.0);
    }

    #[test]
    fn all_zero_series_has_no_relative_change() {
        let t = hourly(Metric::DbCpu, &[0.0; 8])
            .trend(&SeriesConfig::default())
            .unwrap();
        assert_eq!(t.s, 0);
        assert!(t.relative_change.abs() < 1e-15, "{}", t.relative_change);
        assert!(t.is_plateau(&SeriesConfig::default()));
    }

    #[test]
    fn a_median_too_small_to_divide_by_saturates_the_relative_change() {
        // Found by the fuzzer (`core_series`): 0.47, then 5.24e-322 (subnormal), then 0.
        // The median is the subnormal value, and a change of about -0.47 divided by it
        // overflowed to -inf. By hand: Sen's slope is the median of the pairwise slopes
        // (-0.47/3600, -0.47/7200, ~0) = -0.47/7200 a second, times the 7,200 s span:
        // a change of -0.47, falling, so the relative change saturates at -f64::MAX.
        let s = Series::from_values(
            Metric::P95ResponseTime,
            Duration::from_secs(3_600),
            &[0.47, 5.24e-322, 0.0],
        )
        .unwrap();
        let config = SeriesConfig {
            window: Duration::from_secs(86_400),
            min_samples: 3,
            ..SeriesConfig::default()
        };
        let t = s.trend(&config).unwrap();
        assert!(t.slope_per_second.is_finite());
        assert_eq!(t.relative_change.to_bits(), (-f64::MAX).to_bits());
    }

    #[test]
    fn negative_zero_samples_are_stored_as_zero() {
        let s = Series::from_values(Metric::DbCpu, Duration::from_secs(1), &[-0.0, 0.5]).unwrap();
        assert!(s.samples()[0].value.is_sign_positive());
    }

    #[test]
    fn ties_reduce_variance() {
        // 0 0 1 1 1 1: S = 8 (each of the two zeros below each of four ones),
        // Var = [6·5·17 - (2·1·9 + 4·3·13)] / 18 = (510 - 18 - 156) / 18 = 18.667.
        let s = Series::from_values(
            Metric::DbCpu,
            Duration::from_secs(1),
            &[0.0, 0.0, 1.0, 1.0, 1.0, 1.0],
        )
        .unwrap();
        let t = s.trend(&SeriesConfig::default()).unwrap();
        assert_eq!(t.s, 8);
        assert!((t.z - 7.0 / 18.667f64.sqrt()).abs() < TOL);
    }

    #[test]
    fn a_rise_that_has_stopped_is_a_plateau() {
        // Thirty daily hit rates that climb from 68% towards 78% and stop: 0.78 − 0.10 ·
        // e^(−d/4), rounded to 4 decimals. Over the whole month the climb is a significant
        // rising trend (Mann-Kendall), so the window alone reads no plateau; its later half
        // (days 15 to 29, 15 samples) moves by at most 0.03 points: flat. The guide's
        // "cache hit rate plateauing despite optimization" is this curve: the rate rose
        // with the tuning and stopped.
        let day = Duration::from_secs(86_400);
        let values: Vec<f64> = (0..30)
            .map(|d| {
                let v = 0.78 - 0.10 * (-f64::from(d) / 4.0).exp();
                (v * 10_000.0).round() / 10_000.0
            })
            .collect();
        let s = Series::from_values(Metric::CacheHitRate, day, &values).unwrap();
        let cfg = SeriesConfig {
            window: Duration::from_secs(30 * 86_400),
            ..SeriesConfig::default()
        };
        assert!(!s.trend(&cfg).unwrap().is_plateau(&cfg));
        let (t, read) = s.plateau_trend(&cfg).unwrap();
        assert!(t.is_plateau(&cfg), "{t:?}");
        assert_eq!(read.len(), 15);
        assert_eq!(read[0].at, Duration::from_secs(15 * 86_400));
        // A steady climb over the month is no plateau, in either half: the window's own
        // trend is given.
        let steady: Vec<f64> = (0..30).map(|d| 0.60 + 0.005 * f64::from(d)).collect();
        let s = Series::from_values(Metric::CacheHitRate, day, &steady).unwrap();
        let (t, read) = s.plateau_trend(&cfg).unwrap();
        assert!(!t.is_plateau(&cfg));
        assert_eq!(read.len(), 30);
        // Too few samples in the later half (5 of 9, under the 6 needed): the window's.
        let s = Series::from_values(Metric::CacheHitRate, day, &values[..9]).unwrap();
        let (_, read) = s.plateau_trend(&cfg).unwrap();
        assert_eq!(read.len(), 9);
        // Eleven days: a climb of five, then six flat at 72%. The span's midpoint is day 5,
        // a sample of its own, which the later half holds: exactly the 6 samples needed.
        let eleven: Vec<f64> = (0..11)
            .map(|d| {
                if d < 5 {
                    0.60 + 0.02 * f64::from(d)
                } else {
                    0.72 + if d % 2 == 0 { 0.001 } else { -0.001 }
                }
            })
            .collect();
        let s = Series::from_values(Metric::CacheHitRate, day, &eleven).unwrap();
        assert!(!s.trend(&cfg).unwrap().is_plateau(&cfg));
        let (t, read) = s.plateau_trend(&cfg).unwrap();
        assert!(t.is_plateau(&cfg), "{t:?}");
        assert_eq!(read.len(), 6);
        assert_eq!(read[0].at, Duration::from_secs(5 * 86_400));
    }

    #[test]
    fn constant_series_is_plateau_not_degrading() {
        let s = hourly(Metric::CacheHitRate, &[0.82; 12]);
        let cfg = SeriesConfig::default();
        let t = s.trend(&cfg).unwrap();
        assert_eq!(t.s, 0);
        assert!(t.relative_change.abs() < 1e-12);
        assert!(t.is_plateau(&cfg));
        assert!(!t.is_degrading(Direction::HigherIsBetter, &cfg));
    }

    #[test]
    fn improving_latency_is_not_degrading() {
        let p95: Vec<f64> = (0..12).map(|h| 0.9 - 0.03 * f64::from(h)).collect();
        let t = hourly(Metric::P95ResponseTime, &p95)
            .trend(&SeriesConfig::default())
            .unwrap();
        assert_eq!(t.direction, TrendDirection::Falling);
        assert!(!t.is_degrading(Direction::LowerIsBetter, &SeriesConfig::default()));
        assert!(t.is_degrading(Direction::HigherIsBetter, &SeriesConfig::default()));
    }

    #[test]
    fn significant_but_tiny_rise_is_not_degrading() {
        // Rises 0.1% per hour on 0.5: significant, but 11 · 0.0005 / 0.5275 ≈ 1% < 10%.
        let p95: Vec<f64> = (0..12).map(|h| 0.5 + 0.0005 * f64::from(h)).collect();
        let cfg = SeriesConfig::default();
        let t = hourly(Metric::P95ResponseTime, &p95).trend(&cfg).unwrap();
        assert_eq!(t.direction, TrendDirection::Rising);
        assert!(!t.is_degrading(Direction::LowerIsBetter, &cfg));
        assert!(t.is_plateau(&cfg));
    }

    #[test]
    fn rejects_unordered_and_out_of_domain_samples() {
        let at = Duration::from_secs;
        let unordered = vec![
            Sample {
                at: at(10),
                value: 0.1,
            },
            Sample {
                at: at(5),
                value: 0.2,
            },
        ];
        assert_eq!(
            Series::new(Metric::DbCpu, unordered),
            Err(Error::UnorderedSamples {
                what: "db_cpu",
                index: 1
            })
        );
        assert_eq!(
            Series::new(Metric::DbCpu, vec![]),
            Err(Error::EmptySeries { what: "db_cpu" })
        );
        assert!(matches!(
            Series::new(
                Metric::ReplicaLag,
                vec![Sample {
                    at: at(0),
                    value: -1.0
                }]
            ),
            Err(Error::Negative {
                what: "replica_lag",
                ..
            })
        ));
        assert!(matches!(
            Series::new(
                Metric::DbCpu,
                vec![Sample {
                    at: at(0),
                    value: f64::NAN
                }]
            ),
            Err(Error::NotFinite { .. })
        ));
        assert!(
            Series::new(
                Metric::BackgroundTasksBlockRequests,
                vec![Sample {
                    at: at(0),
                    value: 0.5
                }]
            )
            .is_err()
        );
    }

    #[test]
    fn too_few_samples_is_an_error_not_false() {
        let s = hourly(Metric::DbCpu, &[0.9, 0.9]);
        assert_eq!(
            s.sustained(0.7, Direction::LowerIsBetter, &SeriesConfig::default()),
            Err(Error::TooFewSamples {
                what: "db_cpu",
                needed: 6,
                got: 2
            })
        );
    }

    #[test]
    fn window_excludes_old_samples() {
        // 30 hourly samples: the first 6 are high, the last 24 low.
        let mut v = vec![0.95; 6];
        v.extend([0.3; 24]);
        let s = hourly(Metric::DbCpu, &v);
        // Window of 24 h from the latest (t = 29 h) starts at t = 5 h: one high sample of 25.
        let w = s.window(Duration::from_secs(24 * 3600));
        assert_eq!(w.len(), 25);
        let verdict = s
            .sustained(0.7, Direction::LowerIsBetter, &SeriesConfig::default())
            .unwrap();
        assert!(!verdict.holds);
        assert!((verdict.share.as_fraction() - 1.0 / 25.0).abs() < 1e-12);
        assert_eq!(verdict.span, Duration::from_secs(24 * 3600));
    }

    #[test]
    fn history_replaces_same_metric() {
        let mut h = History::new();
        assert!(h.insert(hourly(Metric::DbCpu, &[0.1])).is_none());
        assert!(h.insert(hourly(Metric::DbCpu, &[0.2])).is_some());
        assert_eq!(h.iter().count(), 1);
        assert!((h.get(Metric::DbCpu).unwrap().latest().value - 0.2).abs() < 1e-12);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn series_json_round_trip_and_validation() {
        let s = hourly(Metric::ReplicaLag, &[0.5, 1.5]);
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"metric":"replica_lag","samples":[{"at_s":0.0,"value":0.5},{"at_s":3600.0,"value":1.5}]}"#
        );
        assert_eq!(serde_json::from_str::<Series>(&json).unwrap(), s);
        let bad = r#"{"metric":"db_cpu","samples":[{"at_s":0,"value":2.0}]}"#;
        assert!(
            serde_json::from_str::<Series>(bad)
                .unwrap_err()
                .to_string()
                .contains("db_cpu must be in 0..=1")
        );
    }

    proptest! {
        #[test]
        fn statistics_stay_in_value_range(values in proptest::collection::vec(0.0f64..=1.0, 1..40), p in 0.0f64..=1.0) {
            let s = hourly(Metric::DbCpu, &values);
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let q = s.percentile(Duration::MAX, Ratio::from_fraction(p).unwrap());
            prop_assert!(q >= lo - 1e-12 && q <= hi + 1e-12);
            let m = s.mean(Duration::MAX);
            prop_assert!(m >= lo - 1e-12 && m <= hi + 1e-12);
        }

        #[test]
        fn trend_p_value_is_a_probability(values in proptest::collection::vec(0.0f64..=1.0, 6..40)) {
            let t = hourly(Metric::DbCpu, &values).trend(&SeriesConfig::default()).unwrap();
            prop_assert!((0.0..=1.0).contains(&t.p_value));
            prop_assert!(t.z.is_finite() && t.relative_change.is_finite());
        }

        #[test]
        fn reversing_time_flips_the_trend(values in proptest::collection::vec(0.0f64..=1.0, 6..30)) {
            let cfg = SeriesConfig { window: Duration::MAX, ..SeriesConfig::default() };
            let fwd = hourly(Metric::DbCpu, &values).trend(&cfg).unwrap();
            let rev: Vec<f64> = values.iter().rev().copied().collect();
            let back = hourly(Metric::DbCpu, &rev).trend(&cfg).unwrap();
            prop_assert_eq!(fwd.s, -back.s);
            prop_assert!((fwd.p_value - back.p_value).abs() < 1e-12);
        }
    }
}
