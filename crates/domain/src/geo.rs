//! Coordinates and distances, for "nearest first".

use serde::{Deserialize, Serialize};

/// A point on the map (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Coordinates {
    /// Широта, градусы (−90…90).
    #[cfg_attr(feature = "openapi", schema(minimum = -90, maximum = 90))]
    pub lat: f64,
    /// Долгота, градусы (−180…180).
    #[cfg_attr(feature = "openapi", schema(minimum = -180, maximum = 180))]
    pub lon: f64,
}

/// Why a pair of numbers is not a point on the map.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoordinatesError {
    #[error("широта должна быть от −90 до 90")]
    Latitude,
    #[error("долгота должна быть от −180 до 180")]
    Longitude,
}

impl Coordinates {
    /// Checks the ranges.
    pub fn parse(lat: f64, lon: f64) -> Result<Self, CoordinatesError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(CoordinatesError::Latitude);
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(CoordinatesError::Longitude);
        }
        Ok(Self { lat, lon })
    }

    /// Distance in kilometres on a local flat projection around `self`, given `cos(self.lat)`:
    /// within a city it differs from the great-circle distance by far less than a street, and it
    /// costs no trigonometry per point, which matters when ranking thousands of addresses.
    pub fn local_distance_km(&self, cos_lat: f64, other: &Self) -> f64 {
        const KM_PER_DEGREE: f64 = 6371.0 * std::f64::consts::PI / 180.0;
        let dx = (other.lon - self.lon) * cos_lat;
        let dy = other.lat - self.lat;
        KM_PER_DEGREE * (dx * dx + dy * dy).sqrt()
    }

    /// Great-circle distance in kilometres (haversine).
    pub fn distance_km(&self, other: &Self) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6371.0;
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ekaterinburg_to_nizhny_tagil_is_about_125_km() {
        let ekb = Coordinates::parse(56.8389, 60.6057).unwrap_or_else(|e| panic!("{e}"));
        let tagil = Coordinates::parse(57.9194, 59.965).unwrap_or_else(|e| panic!("{e}"));
        let d = ekb.distance_km(&tagil);
        assert!((120.0..130.0).contains(&d), "{d}");
    }

    #[test]
    fn the_local_distance_agrees_with_haversine_within_a_city() {
        let centre = Coordinates { lat: 56.8389, lon: 60.6057 };
        let cos = centre.lat.to_radians().cos();
        for (lat, lon) in [(56.9, 60.6), (56.8, 60.7), (56.75, 60.5)] {
            let point = Coordinates { lat, lon };
            let (exact, local) = (centre.distance_km(&point), centre.local_distance_km(cos, &point));
            assert!((exact - local).abs() < 0.05, "{exact} vs {local}");
        }
    }

    #[test]
    fn out_of_range_is_rejected() {
        assert_eq!(Coordinates::parse(91.0, 0.0), Err(CoordinatesError::Latitude));
        assert_eq!(Coordinates::parse(0.0, 181.0), Err(CoordinatesError::Longitude));
    }
}
