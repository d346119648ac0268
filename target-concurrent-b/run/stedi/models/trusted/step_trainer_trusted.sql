-- back compat for old kwarg name
  
  
        
            
            
        

        

        merge into "iceberg"."stedi_trusted"."step_trainer_trusted" as DBT_INTERNAL_DEST
            using "iceberg"."stedi_trusted"."step_trainer_trusted__dbt_tmp" as DBT_INTERNAL_SOURCE
            on (
                DBT_INTERNAL_SOURCE.step_trainer_reading_id = DBT_INTERNAL_DEST.step_trainer_reading_id
            )

        
        when matched then update set
            "step_trainer_reading_id" = DBT_INTERNAL_SOURCE."step_trainer_reading_id","customer_id" = DBT_INTERNAL_SOURCE."customer_id","serial_number" = DBT_INTERNAL_SOURCE."serial_number","sensor_reading_epoch_ms" = DBT_INTERNAL_SOURCE."sensor_reading_epoch_ms","sensor_reading_at" = DBT_INTERNAL_SOURCE."sensor_reading_at","distance_from_object" = DBT_INTERNAL_SOURCE."distance_from_object","landing_file_modified_at" = DBT_INTERNAL_SOURCE."landing_file_modified_at","loaded_at" = DBT_INTERNAL_SOURCE."loaded_at"
        

        when not matched then insert
            ("step_trainer_reading_id", "customer_id", "serial_number", "sensor_reading_epoch_ms", "sensor_reading_at", "distance_from_object", "landing_file_modified_at", "loaded_at")
        values
            (DBT_INTERNAL_SOURCE."step_trainer_reading_id", DBT_INTERNAL_SOURCE."customer_id", DBT_INTERNAL_SOURCE."serial_number", DBT_INTERNAL_SOURCE."sensor_reading_epoch_ms", DBT_INTERNAL_SOURCE."sensor_reading_at", DBT_INTERNAL_SOURCE."distance_from_object", DBT_INTERNAL_SOURCE."landing_file_modified_at", DBT_INTERNAL_SOURCE."loaded_at")

    
