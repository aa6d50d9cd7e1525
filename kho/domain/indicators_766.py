"""The Decision 766 indicators Kho computes as shares (dbt_project/seeds/service/indicators_766.csv, is_computed and
rate_unit share: a test keeps the two in step): the indicators a province may set a unit's target on."""

SHARE_INDICATORS = (
    "procedures_published_on_time", "procedures_updated_on_time", "procedures_full_content", "dossier_sync",
    "on_time", "online_dossiers", "full_online_dossiers", "procedures_online", "procedures_payment_integrated",
    "electronic_results", "digitized_dossiers", "reused_data", "dvcqg_store", "population_data_dossiers",
    "population_data_procedures", "feedback_on_time", "feedback_satisfaction", "dossier_satisfaction",
    "online_payment_dossiers", "online_payment_procedures", "fee_procedures_with_dossiers",
)
