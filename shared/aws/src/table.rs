//! The app table's keys and indexes, read from `template.yaml` so the SAM template and the
//! code share one definition. The local runtime creates the table from it; the store uses the
//! names below, and a test checks that they agree.

use serde::Deserialize;

/// The template, compiled in so a running binary never depends on the checkout.
pub const TEMPLATE: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../template.yaml"));
/// The template resource of the app table.
pub const APP_TABLE_RESOURCE: &str = "AppTable";

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const GSI1: &str = "gsi1";
pub const GSI1_PK: &str = "gsi1pk";
pub const GSI1_SK: &str = "gsi1sk";
pub const GSI2: &str = "gsi2";
pub const GSI2_PK: &str = "gsi2pk";
pub const GSI2_SK: &str = "gsi2sk";
pub const TTL: &str = "ttl";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableDefinition {
    pub attribute_definitions: Vec<AttributeDefinition>,
    pub key_schema: Vec<KeyElement>,
    #[serde(default)]
    pub global_secondary_indexes: Vec<GlobalSecondaryIndex>,
    pub time_to_live_specification: Option<TimeToLive>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDefinition {
    pub attribute_name: String,
    pub attribute_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyElement {
    pub attribute_name: String,
    pub key_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalSecondaryIndex {
    pub index_name: String,
    pub key_schema: Vec<KeyElement>,
    pub projection: Projection,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Projection {
    pub projection_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeToLive {
    pub attribute_name: String,
    pub enabled: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TableDefinitionError {
    #[error("template.yaml is not valid YAML: {0}")]
    Yaml(#[from] serde_norway::Error),
    #[error("template.yaml has no resource {0} with Properties")]
    Missing(&'static str),
}

impl TableDefinition {
    /// The app table as the template defines it.
    pub fn app_table() -> Result<Self, TableDefinitionError> {
        Self::from_template(TEMPLATE, APP_TABLE_RESOURCE)
    }

    pub fn from_template(template: &str, resource: &'static str) -> Result<Self, TableDefinitionError> {
        // CloudFormation's short tags (!Ref, !Sub) parse as tagged values; only this resource's
        // plain properties are read.
        let doc: serde_norway::Value = serde_norway::from_str(template)?;
        let properties = doc
            .get("Resources")
            .and_then(|r| r.get(resource))
            .and_then(|r| r.get("Properties"))
            .ok_or(TableDefinitionError::Missing(resource))?;
        Ok(serde_norway::from_value(properties.clone())?)
    }

    pub fn key_of(keys: &[KeyElement], key_type: &str) -> Option<String> {
        keys.iter().find(|k| k.key_type == key_type).map(|k| k.attribute_name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_table_matches_the_names_the_store_uses() {
        let table = TableDefinition::app_table().unwrap();
        assert_eq!(TableDefinition::key_of(&table.key_schema, "HASH").as_deref(), Some(PK));
        assert_eq!(TableDefinition::key_of(&table.key_schema, "RANGE").as_deref(), Some(SK));
        let gsi1 = table.global_secondary_indexes.iter().find(|i| i.index_name == GSI1).expect("gsi1 in template");
        assert_eq!(TableDefinition::key_of(&gsi1.key_schema, "HASH").as_deref(), Some(GSI1_PK));
        assert_eq!(TableDefinition::key_of(&gsi1.key_schema, "RANGE").as_deref(), Some(GSI1_SK));
        let gsi2 = table.global_secondary_indexes.iter().find(|i| i.index_name == GSI2).expect("gsi2 in template");
        assert_eq!(TableDefinition::key_of(&gsi2.key_schema, "HASH").as_deref(), Some(GSI2_PK));
        assert_eq!(TableDefinition::key_of(&gsi2.key_schema, "RANGE").as_deref(), Some(GSI2_SK));
        assert_eq!(table.time_to_live_specification.map(|t| t.attribute_name).as_deref(), Some(TTL));
        // every key attribute is declared, and nothing else (DynamoDB refuses unused definitions)
        let mut declared: Vec<_> = table.attribute_definitions.iter().map(|a| a.attribute_name.as_str()).collect();
        declared.sort();
        assert_eq!(declared, vec![GSI1_PK, GSI1_SK, GSI2_PK, GSI2_SK, PK, SK]);
    }
}
