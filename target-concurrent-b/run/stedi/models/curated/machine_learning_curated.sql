-- back compat for old kwarg name
  
  
        
            
            
        

        

        merge into "iceberg"."stedi_curated"."machine_learning_curated" as DBT_INTERNAL_DEST
            using "iceberg"."stedi_curated"."machine_learning_curated__dbt_tmp" as DBT_INTERNAL_SOURCE
            on (
                DBT_INTERNAL_SOURCE.machine_learning_reading_id = DBT_INTERNAL_DEST.machine_learning_reading_id
            )

        
        when matched then update set
            "machine_learning_reading_id" = DBT_INTERNAL_SOURCE."machine_learning_reading_id","customer_id" = DBT_INTERNAL_SOURCE."customer_id","step_trainer_reading_id" = DBT_INTERNAL_SOURCE."step_trainer_reading_id","accelerometer_reading_id" = DBT_INTERNAL_SOURCE."accelerometer_reading_id","serial_number" = DBT_INTERNAL_SOURCE."serial_number","reading_epoch_ms" = DBT_INTERNAL_SOURCE."reading_epoch_ms","reading_at" = DBT_INTERNAL_SOURCE."reading_at","distance_from_object" = DBT_INTERNAL_SOURCE."distance_from_object","x" = DBT_INTERNAL_SOURCE."x","y" = DBT_INTERNAL_SOURCE."y","z" = DBT_INTERNAL_SOURCE."z","loaded_at" = DBT_INTERNAL_SOURCE."loaded_at"
        

        when not matched then insert
            ("machine_learning_reading_id", "customer_id", "step_trainer_reading_id", "accelerometer_reading_id", "serial_number", "reading_epoch_ms", "reading_at", "distance_from_object", "x", "y", "z", "loaded_at")
        values
            (DBT_INTERNAL_SOURCE."machine_learning_reading_id", DBT_INTERNAL_SOURCE."customer_id", DBT_INTERNAL_SOURCE."step_trainer_reading_id", DBT_INTERNAL_SOURCE."accelerometer_reading_id", DBT_INTERNAL_SOURCE."serial_number", DBT_INTERNAL_SOURCE."reading_epoch_ms", DBT_INTERNAL_SOURCE."reading_at", DBT_INTERNAL_SOURCE."distance_from_object", DBT_INTERNAL_SOURCE."x", DBT_INTERNAL_SOURCE."y", DBT_INTERNAL_SOURCE."z", DBT_INTERNAL_SOURCE."loaded_at")

    
